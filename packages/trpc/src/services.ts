import { ExportOutbox, Mailer } from "@customer-panel/core/adapter";
import { type Database, databaseLayer } from "@customer-panel/db";
import {
  checkExportQuota,
  DEFAULT_EXPORT_QUOTA,
  type ExportQuota,
  makeLimitedExportOutbox,
} from "@customer-panel/db/repositories";
import { type Context, Layer } from "effect";
import type { ChangeStream, PanelServices, StreamAccess } from "./context.js";
import { createDownloadLinks, type DownloadLinkOptions } from "./download-links.js";
import { createStreamAccess } from "./stream-access.js";

/** The parts a server is built from. */
export interface PanelServiceParts {
  readonly database: Database;
  readonly mailer: Context.Tag.Service<typeof Mailer>;
  /** Lifetime and shape of download links (default: one minute, `/downloads/<token>`). */
  readonly downloads?: DownloadLinkOptions;
  /** Exports per team in any window, across every server process (default 10 a minute). */
  readonly exportQuota?: Partial<ExportQuota>;
  readonly changes: ChangeStream;
  /** How open streams are re-authorised (default: createStreamAccess, every 2 s). */
  readonly streamAccess?: StreamAccess;
}

/**
 * Assembles the services the procedures use: core's ports on the database (the email
 * outbox takes the team's export limit in the transaction that queues the job), the
 * mailer, download links.
 */
export const createPanelServices = (parts: PanelServiceParts): PanelServices => {
  const exportQuota = checkExportQuota({ ...DEFAULT_EXPORT_QUOTA, ...parts.exportQuota });
  const db = parts.database.db;
  return {
    database: parts.database,
    // The later layer wins: the limited outbox replaces the plain one.
    layer: Layer.mergeAll(
      databaseLayer(db),
      Layer.succeed(ExportOutbox, makeLimitedExportOutbox(db, exportQuota)),
      Layer.succeed(Mailer, parts.mailer),
    ),
    downloads: createDownloadLinks(parts.database, exportQuota, parts.downloads),
    exportQuota,
    changes: parts.changes,
    streamAccess: parts.streamAccess ?? createStreamAccess(parts.database),
  };
};
