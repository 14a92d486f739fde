import { createChangeStream, createPanelServices } from "@customer-panel/trpc";
import type { Logger } from "pino";
import type { Config } from "./config.js";
import { settleWithin } from "./lifecycle.js";
import { openPrimary } from "./open-database.js";
import type { RunningServer } from "./serve.js";
import { configuredMailer, configuredWorker } from "./serve.js";

/**
 * `worker`: the email export worker alone (no HTTP). Shutdown lets the batch in hand
 * finish until the deadline; a job still unfinished then is released when its claim
 * expires, and another worker delivers it.
 */
export const runWorker = async (
  config: Config,
  logger: Logger,
): Promise<Pick<RunningServer, "shutdown">> => {
  const database = await openPrimary(config);
  const mailer = configuredMailer(config);
  // The change stream is never subscribed here, so it opens no LISTEN.
  const services = createPanelServices({
    database,
    mailer,
    changes: createChangeStream(database),
  });
  const worker = configuredWorker(database, services.runtime, logger);
  logger.info({ driver: database.driver }, "worker started");
  return {
    shutdown: async (signal) => {
      logger.info({ signal }, "shutting down");
      const done = await settleWithin(worker.stop(), config.SHUTDOWN_TIMEOUT_MS);
      mailer.close();
      await services.runtime.dispose();
      await database.close();
      logger.info({ workerDone: done }, "stopped");
    },
  };
};
