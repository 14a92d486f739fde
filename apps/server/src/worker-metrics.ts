import type { Database } from "@customer-panel/db";
import type { ClosableMailer } from "@customer-panel/trpc";
import { Effect } from "effect";
import { Counter, collectDefaultMetrics, Registry } from "prom-client";
import { databaseGauges } from "./metrics.js";

/** The `worker` process's Prometheus instruments. */
export interface WorkerMetrics {
  readonly registry: Registry;
  /** The mailer, counting each email the SMTP server accepted. */
  readonly countedMailer: (mailer: ClosableMailer) => ClosableMailer;
  /** A delivery attempt failed (the job is tried again later). */
  readonly failed: () => void;
}

/**
 * The worker's metrics: export jobs by outcome (`sent`: the SMTP server accepted the email;
 * `failed`: an attempt failed and the job waits for another), the outbox depth, the pool's
 * connections, and Node's process metrics.
 */
export const createWorkerMetrics = (database: Database): WorkerMetrics => {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  databaseGauges(registry, database);
  const jobs = new Counter({
    name: "panel_export_jobs_total",
    help: "Email export deliveries of this process by outcome: sent, or failed (tried again later)",
    labelNames: ["outcome"] as const,
    registers: [registry],
  });
  // Both series exist from the start, so a dashboard sees 0 rather than nothing.
  jobs.inc({ outcome: "sent" }, 0);
  jobs.inc({ outcome: "failed" }, 0);
  return {
    registry,
    countedMailer: (mailer) => ({
      send: (email) => mailer.send(email).pipe(Effect.tap(() => jobs.inc({ outcome: "sent" }))),
      close: () => mailer.close(),
    }),
    failed: () => jobs.inc({ outcome: "failed" }),
  };
};
