import type { Database } from "@customer-panel/db";
import { pendingExportCount } from "@customer-panel/db/repositories";
import type { ClosableChangeStream, DownloadOutcome } from "@customer-panel/trpc";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/** What the metrics read when scraped. */
export interface MetricSources {
  readonly database: Database;
  readonly changes: ClosableChangeStream;
}

/** The server's Prometheus instruments, in their own registry. */
export interface ServerMetrics {
  readonly registry: Registry;
  /** One finished tRPC call: its procedure, outcome code and the request's duration. */
  readonly call: (procedure: string, outcome: string, seconds: number | null) => void;
  /** A download request is being served; call the returned function when it is over. */
  readonly downloadStarted: () => () => void;
  /** A streamed download ended (completed, aborted, stalled, failed). */
  readonly downloadSettled: (outcome: DownloadOutcome) => void;
}

/**
 * The gauges every process on the database shows (serve and worker): the outbox depth and
 * this process's pool connections.
 */
export const databaseGauges = (registry: Registry, database: Database): void => {
  new Gauge({
    name: "panel_outbox_pending",
    help: "Email exports waiting for delivery (all processes: read from the database)",
    registers: [registry],
    async collect() {
      this.set(await pendingExportCount(database.db));
    },
  });
  new Gauge({
    name: "panel_db_pool_connections",
    help: "Connections of this process's PostgreSQL pool: in_use, idle, and waiting callers",
    labelNames: ["state"] as const,
    registers: [registry],
    collect() {
      const stats = database.poolStats?.();
      if (stats === undefined) return;
      this.set({ state: "in_use" }, stats.total - stats.idle);
      this.set({ state: "idle" }, stats.idle);
      this.set({ state: "waiting" }, stats.waiting);
    },
  });
};

/**
 * Requests by procedure and outcome code, latency histograms (subscriptions excluded: their
 * length is the stream's), open SSE streams, downloads in flight, the outbox depth, the
 * pool's connections, and Node's process metrics.
 */
export const createMetrics = ({ database, changes }: MetricSources): ServerMetrics => {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const calls = new Counter({
    name: "panel_requests_total",
    help: "tRPC calls by procedure and outcome code (OK, a domain code, or a tRPC code)",
    labelNames: ["procedure", "outcome"] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: "panel_request_duration_seconds",
    help: "Duration of the HTTP request that carried each tRPC call (subscriptions excluded)",
    labelNames: ["procedure"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const inFlight = new Gauge({
    name: "panel_downloads_in_flight",
    help: "Download requests being served now",
    registers: [registry],
  });
  const downloads = new Counter({
    name: "panel_downloads_total",
    help: "Streamed downloads by kind and how they ended (completed, aborted, stalled, failed)",
    labelNames: ["kind", "outcome"] as const,
    registers: [registry],
  });
  new Gauge({
    name: "panel_sse_streams_open",
    help: "Live panel streams (SSE) open in this process",
    registers: [registry],
    collect() {
      this.set(changes.openCount());
    },
  });
  new Gauge({
    name: "panel_change_listen_connected",
    help: "1 while this process's LISTEN for panel changes is connected",
    registers: [registry],
    collect() {
      this.set(changes.connected() ? 1 : 0);
    },
  });
  databaseGauges(registry, database);
  return {
    registry,
    call: (procedure, outcome, seconds) => {
      calls.inc({ procedure, outcome });
      if (seconds !== null) latency.observe({ procedure }, seconds);
    },
    downloadStarted: () => {
      inFlight.inc();
      return () => inFlight.dec();
    },
    downloadSettled: ({ kind, outcome }) => downloads.inc({ kind, outcome }),
  };
};
