import { createChangeStream, createPanelServices, startExportWorker } from "@customer-panel/trpc";
import type { Logger } from "pino";
import type { Config } from "./config.js";
import { healthRoutes } from "./health.js";
import { errorSummary, settleWithin } from "./lifecycle.js";
import { openPrimary } from "./open-database.js";
import { startProbeServer } from "./probe-server.js";
import type { RunningServer } from "./serve.js";
import { configuredMailer } from "./serve.js";
import { createWorkerMetrics } from "./worker-metrics.js";

/**
 * `worker`: the email export worker alone, with /healthz, /readyz (database reachable,
 * migrations current, not draining) and /metrics (jobs sent and failed, outbox depth, pool)
 * on PORT — no API. Shutdown: readiness turns 503, the batch in hand may finish until the
 * deadline (a job still unfinished then is released when its claim expires, and another
 * worker delivers it), then the probe server, mailer and pool close.
 */
export const runWorker = async (
  config: Config,
  logger: Logger,
): Promise<Pick<RunningServer, "url" | "shutdown">> => {
  const database = await openPrimary(config);
  const metrics = createWorkerMetrics(database);
  const mailer = metrics.countedMailer(configuredMailer(config));
  // The change stream is never subscribed here, so it opens no LISTEN.
  const services = createPanelServices({
    database,
    mailer,
    changes: createChangeStream(database),
  });
  let draining = false;
  const probes = await startProbeServer({
    port: config.PORT,
    host: config.HOST,
    route: healthRoutes({
      database,
      changes: null,
      registry: metrics.registry,
      draining: () => draining,
    }),
    onError: (error) => logger.error({ err: errorSummary(error) }, "unexpected error"),
  }).catch(async (error: unknown) => {
    await database.close();
    throw error;
  });
  const worker = startExportWorker({
    database,
    runtime: services.runtime,
    onError: (error, exportId) => {
      metrics.failed();
      logger.warn({ exportId, err: errorSummary(error) }, "email export delivery failed");
    },
  });
  logger.info({ url: probes.url, driver: database.driver }, "worker started");
  return {
    url: probes.url,
    shutdown: async (signal) => {
      draining = true;
      logger.info({ signal }, "shutting down");
      const done = await settleWithin(worker.stop(), config.SHUTDOWN_TIMEOUT_MS);
      await probes.close();
      mailer.close();
      await services.runtime.dispose();
      await database.close();
      logger.info({ workerDone: done }, "stopped");
    },
  };
};
