import { Mailer } from "@customer-panel/core";
import { type Database, databaseLayer } from "@customer-panel/db";
import { type Context, Layer } from "effect";
import type { ChangeStream, DownloadSigner, ExportLimiter, PanelServices } from "./context.js";

/** The parts a server is built from. */
export interface PanelServiceParts {
  readonly database: Database;
  readonly mailer: Context.Tag.Service<typeof Mailer>;
  readonly downloads: DownloadSigner;
  readonly exportLimiter: ExportLimiter;
  readonly changes: ChangeStream;
}

/** Assembles the services the procedures use: core's ports on the database, plus the mailer. */
export const createPanelServices = (parts: PanelServiceParts): PanelServices => ({
  database: parts.database,
  layer: Layer.merge(databaseLayer(parts.database.db), Layer.succeed(Mailer, parts.mailer)),
  downloads: parts.downloads,
  exportLimiter: parts.exportLimiter,
  changes: parts.changes,
});
