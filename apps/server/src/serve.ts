import type http from "node:http";
import type { Mailer } from "@customer-panel/core/adapter";
import type { Database } from "@customer-panel/db";
import {
  authenticateWithCredentials,
  type ClosableMailer,
  createChangeStream,
  createPanelServices,
  downloadRoute,
  type ExportWorker,
  type ExtraRoute,
  type PanelRuntime,
  type PanelServiceParts,
  smtpMailer,
  startExportWorker,
  startPanelServer,
} from "@customer-panel/trpc";
import { type Context, Effect } from "effect";
import type { Logger } from "pino";
import type { Config } from "./config.js";
import { healthRoutes } from "./health.js";
import { errorSummary, settleWithin } from "./lifecycle.js";
import { createMetrics, type ServerMetrics } from "./metrics.js";
import { openPrimary, openReplica } from "./open-database.js";
import { requestObserver } from "./request-log.js";

/** A running server process. */
export interface RunningServer {
  readonly url: string;
  /** Graceful shutdown (see {@link serve}); resolves when everything is closed. */
  readonly shutdown: (signal: string) => Promise<void>;
}

/** A process that runs no worker sends no email; the API itself only queues them. */
const noMailer: Context.Tag.Service<typeof Mailer> = {
  send: () => Effect.die(new Error("this process sends no email (serve --no-worker)")),
};

/** The SMTP mailer of the worker, from SMTP_URL and MAIL_FROM (checked by the config). */
export const configuredMailer = (config: Config): ClosableMailer =>
  smtpMailer(config.SMTP_URL as string, { from: config.MAIL_FROM as string });

/** The email export worker, logging each failed delivery by export id only. */
export const configuredWorker = (
  database: Database,
  runtime: PanelRuntime,
  logger: Logger,
): ExportWorker =>
  startExportWorker({
    database,
    runtime,
    onError: (error, exportId) =>
      logger.warn({ exportId, err: errorSummary(error) }, "email export delivery failed"),
  });

/** Downloads, counted while they are served and by how they ended. */
const countedDownloads = (
  services: ReturnType<typeof createPanelServices>,
  metrics: ServerMetrics,
  logger: Logger,
): ExtraRoute => {
  const route = downloadRoute(services, {
    onError: (error) => logger.error({ err: errorSummary(error) }, "download failed"),
    onSettled: metrics.downloadSettled,
  });
  return async (req, res) => {
    const done = metrics.downloadStarted();
    try {
      return await route(req, res);
    } finally {
      done();
    }
  };
};

/**
 * `serve`: the panel's HTTP API (tRPC, SSE, downloads) with /healthz, /readyz and /metrics,
 * one JSON log line per request, production errors, and (unless `worker` is false) the
 * email export worker. Shutdown: readiness turns 503, the listener closes, every live
 * stream ends with SERVER_SHUTTING_DOWN, requests and downloads in flight get until the
 * deadline, the worker finishes its batch (or its claim expires and another takes it),
 * then connections, the LISTEN, the mailer and the pools close.
 */
export const serve = async (
  config: Config,
  options: { readonly worker: boolean; readonly logger: Logger },
): Promise<RunningServer> => {
  const { logger } = options;
  const database = await openPrimary(config);
  const replica = await openReplica(config).catch(async (error: unknown) => {
    await database.close();
    throw error;
  });
  const changes = createChangeStream(database);
  changes.listen();
  const mailer = options.worker ? configuredMailer(config) : null;
  const parts: PanelServiceParts = {
    database,
    mailer: mailer ?? noMailer,
    changes,
    ...(replica !== null && { readDatabase: replica }),
  };
  const services = createPanelServices(parts);
  const metrics = createMetrics({ database, changes });
  const observer = requestObserver({ logger, metrics, trustProxy: config.TRUST_PROXY });
  let draining = false;
  const open = new Set<http.ServerResponse>();
  let allClosed: (() => void) | null = null;
  const server = await startPanelServer({
    services,
    authenticate: authenticateWithCredentials(database),
    port: config.PORT,
    host: config.HOST,
    routes: [
      healthRoutes({ database, changes, registry: metrics.registry, draining: () => draining }),
      countedDownloads(services, metrics, logger),
    ],
    onRequest: (req, res) => {
      open.add(res);
      res.once("close", () => {
        open.delete(res);
        if (open.size === 0) allClosed?.();
      });
      observer.onRequest(req, res);
    },
    onCalls: observer.onCalls,
    onError: (error) => logger.error({ err: errorSummary(error) }, "unexpected error"),
    exposeErrorDetails: false,
  });
  const worker = options.worker ? configuredWorker(database, services.runtime, logger) : null;
  logger.info(
    {
      url: server.url,
      driver: database.driver,
      worker: worker !== null,
      replica: replica !== null,
      pooler: config.DIRECT_DATABASE_URL !== undefined,
    },
    "serving",
  );

  const shutdown = async (signal: string) => {
    const deadline = Date.now() + config.SHUTDOWN_TIMEOUT_MS;
    draining = true;
    logger.info({ signal, openRequests: open.size }, "shutting down");
    server.server.close();
    server.server.closeIdleConnections();
    changes.drain();
    const drained =
      open.size === 0 ||
      (await settleWithin(
        new Promise<void>((resolve) => {
          allClosed = resolve;
        }),
        deadline - Date.now(),
      ));
    const workerDone =
      worker === null || (await settleWithin(worker.stop(), deadline - Date.now()));
    const unfinished = open.size;
    server.server.closeAllConnections();
    await changes.close();
    mailer?.close();
    await services.runtime.dispose();
    await replica?.close();
    await database.close();
    logger.info({ drained, workerDone, cutOff: unfinished }, "stopped");
  };
  return { url: server.url, shutdown };
};
