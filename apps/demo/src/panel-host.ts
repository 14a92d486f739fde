import type { Database } from "@customer-panel/db";
import {
  authenticateWithCredentials,
  type ClosableChangeStream,
  createChangeStream,
  createPanelServices,
  downloadRoute,
  type ExportWorker,
  type ExtraRoute,
  fileMailer,
  startExportWorker,
  startPanelServer,
} from "@customer-panel/trpc";

/** Options of {@link startPanelHost}. */
export interface PanelHostOptions {
  readonly database: Database;
  /** Where the file mailer writes each emailed export (`.eml` plus its CSV). */
  readonly mailDir: string;
  /** 0 (default) picks a free port. */
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Export worker poll interval in ms; null polls never (the walkthrough calls `runOnce`). */
  readonly workerIntervalMs?: number | null;
  /** Unexpected server errors (logs). */
  readonly onError?: (error: unknown) => void;
  /** Routes tried before the API's own (the demo's web app and member list). */
  readonly routes?: readonly ExtraRoute[];
}

/** A running panel: the HTTP server, its export worker and live change stream. */
export interface PanelHost {
  /** Base URL, e.g. `http://127.0.0.1:3000`. */
  readonly url: string;
  readonly worker: ExportWorker;
  readonly changes: ClosableChangeStream;
  /** Stops the worker, the change stream, the server, the runtime and the mailer (not the database). */
  readonly close: () => Promise<void>;
}

/**
 * The composition root of the panel over one database: credentials from the database,
 * stored download links, the per-team export limit (in the database), the live change stream, the file mailer
 * and the email export worker, served by the tRPC server with its downloads route.
 */
export const startPanelHost = async (options: PanelHostOptions): Promise<PanelHost> => {
  const { database } = options;
  const mailer = fileMailer(options.mailDir, {
    from: "客服中心 <service@sunny-select.example.tw>",
  });
  const changes = createChangeStream(database);
  const onError = options.onError ?? (() => {});
  const services = createPanelServices({
    database,
    mailer,
    changes,
  });
  const server = await startPanelServer({
    services,
    authenticate: authenticateWithCredentials(database),
    port: options.port ?? 0,
    host: options.host ?? "127.0.0.1",
    routes: [downloadRoute(services, { onError }), ...(options.routes ?? [])],
    onError,
  });
  const worker = startExportWorker({
    database,
    runtime: services.runtime,
    intervalMs: options.workerIntervalMs === undefined ? 1_000 : options.workerIntervalMs,
    onError,
  });
  return {
    url: server.url,
    worker,
    changes,
    close: async () => {
      await worker.stop();
      // Subscriptions end first, so the server's open SSE responses can finish.
      await changes.close();
      await server.close();
      await services.runtime.dispose();
      mailer.close();
    },
  };
};
