import type http from "node:http";
import { type Database, pendingMigrations } from "@customer-panel/db";
import type { ClosableChangeStream, ExtraRoute } from "@customer-panel/trpc";
import { sql } from "drizzle-orm";
import type { Registry } from "prom-client";

/** What the health routes look at. */
export interface HealthSources {
  readonly database: Database;
  /** The change stream whose LISTEN readiness checks; null in a process that has none (worker). */
  readonly changes: ClosableChangeStream | null;
  readonly registry: Registry;
  /** True once shutdown began: readiness answers 503 from then on. */
  readonly draining: () => boolean;
}

/** A check that takes longer than this counts as failed (a probe must answer quickly). */
const CHECK_TIMEOUT_MS = 2_000;

const within = <A>(work: Promise<A>): Promise<A> =>
  Promise.race([
    work,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error("timed out")), CHECK_TIMEOUT_MS).unref(),
    ),
  ]);

const send = (res: http.ServerResponse, status: number, type: string, body: string) => {
  res.writeHead(status, { "content-type": type, "cache-control": "no-store" }).end(body);
};

const json = (res: http.ServerResponse, status: number, body: unknown) =>
  send(res, status, "application/json; charset=utf-8", JSON.stringify(body));

/** Each readiness check: ok, or why not (never a driver's text: a probe is not a debugger). */
const readiness = async ({ database, changes, draining }: HealthSources) => {
  const reachable = await within(database.db.execute(sql`select 1`)).then(
    () => true,
    () => false,
  );
  const pending = reachable ? await within(pendingMigrations(database)).catch(() => null) : null;
  const checks = {
    draining: draining() ? "shutting down" : "ok",
    database: reachable ? "ok" : "unreachable",
    migrations: pending === 0 ? "ok" : pending === null ? "unknown" : `${pending} pending`,
    ...(changes !== null && { changeStream: changes.connected() ? "ok" : "not connected" }),
  };
  return { ready: Object.values(checks).every((v) => v === "ok"), checks };
};

/**
 * `GET /healthz`: the process is alive (200, no dependency checked). `GET /readyz`: able to
 * serve — database reachable, migrations current, the change stream's LISTEN connected (where
 * there is one), not draining — 200 or 503 with each check. `GET /metrics`: Prometheus text.
 */
export const healthRoutes =
  (sources: HealthSources): ExtraRoute =>
  async (req, res) => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    if (req.method !== "GET" && req.method !== "HEAD") return false;
    switch (path) {
      case "/healthz":
        json(res, 200, { status: "ok" });
        return true;
      case "/readyz": {
        const { ready, checks } = await readiness(sources);
        json(res, ready ? 200 : 503, { status: ready ? "ready" : "not ready", checks });
        return true;
      }
      case "/metrics":
        send(res, 200, sources.registry.contentType, await sources.registry.metrics());
        return true;
      default:
        return false;
    }
  };
