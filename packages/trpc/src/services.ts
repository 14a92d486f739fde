import { Mailer } from "@customer-panel/core";
import { type Database, databaseLayer } from "@customer-panel/db";
import { type Context, Layer } from "effect";
import type {
  ChangeStream,
  DownloadSigner,
  ExportLimiter,
  PanelServices,
  StreamAccess,
} from "./context.js";
import { createStreamAccess } from "./stream-access.js";

/** The parts a server is built from. */
export interface PanelServiceParts {
  readonly database: Database;
  readonly mailer: Context.Tag.Service<typeof Mailer>;
  readonly downloads: DownloadSigner;
  readonly exportLimiter: ExportLimiter;
  readonly changes: ChangeStream;
  /** How open streams are re-authorised (default: createStreamAccess, every 2 s). */
  readonly streamAccess?: StreamAccess;
}

/** Assembles the services the procedures use: core's ports on the database, plus the mailer. */
export const createPanelServices = (parts: PanelServiceParts): PanelServices => ({
  database: parts.database,
  layer: Layer.merge(databaseLayer(parts.database.db), Layer.succeed(Mailer, parts.mailer)),
  downloads: parts.downloads,
  exportLimiter: parts.exportLimiter,
  changes: parts.changes,
  streamAccess: parts.streamAccess ?? createStreamAccess(parts.database),
});
