import { ExportOutbox, Mailer } from "@customer-panel/core/adapter";
import {
  type Database,
  databaseLayer,
  type ReplicaReadOptions,
  replicaReadsLayer,
  rowExportFor,
} from "@customer-panel/db";
import {
  checkExportQuota,
  DEFAULT_EXPORT_QUOTA,
  type ExportQuota,
  makeLimitedExportOutbox,
} from "@customer-panel/db/repositories";
import { type Context, Layer, ManagedRuntime } from "effect";
import type { ChangeStream, PanelServices, StreamAccess } from "./context.js";
import { createDownloadLinks, type DownloadLinkOptions } from "./download-links.js";
import { createStreamAccess } from "./stream-access.js";

/** The parts a server is built from. */
export interface PanelServiceParts {
  readonly database: Database;
  /**
   * Issue 17: a read replica (opened on its own URL) for reports and exports; what they
   * write stays on `database`. A read waits for the replica to replay what the primary had
   * committed when it began (see `replicaReads`), so lag loses no rows. Default: none.
   */
  readonly readDatabase?: Database;
  /** How long a report or export waits for the replica before the primary serves it. */
  readonly replicaReads?: ReplicaReadOptions;
  readonly mailer: Context.Tag.Service<typeof Mailer>;
  /** Lifetime and shape of download links (default: one minute, `/downloads/<token>`). */
  readonly downloads?: DownloadLinkOptions;
  /** Exports per team in any window, across every server process (default 10 a minute). */
  readonly exportQuota?: Partial<ExportQuota>;
  readonly changes: ChangeStream;
  /** How open streams are re-authorised (default: createStreamAccess, every 2 s). */
  readonly streamAccess?: StreamAccess;
  /**
   * Ports that replace the database's own in the runtime (instrumented ports, test
   * doubles): the services this layer provides win over the built-in ones. Default none.
   */
  readonly portOverrides?: Layer.Layer<never>;
}

/**
 * Assembles the services the procedures use: one runtime over core's ports on the
 * database (the email outbox takes the team's export limit in the transaction that
 * queues the job; report and transcript rows from the read replica when there is one)
 * and the mailer, download links. The runtime builds its ports once, on first use; the
 * caller disposes of it (`services.runtime.dispose()`) when it stops.
 */
export const createPanelServices = (parts: PanelServiceParts): PanelServices => {
  const exportQuota = checkExportQuota({ ...DEFAULT_EXPORT_QUOTA, ...parts.exportQuota });
  const db = parts.database.db;
  return {
    database: parts.database,
    // The later layer wins: the replica's readers and the limited outbox replace the plain
    // ones, overrides replace all.
    runtime: ManagedRuntime.make(
      Layer.mergeAll(
        databaseLayer(db, rowExportFor(parts.database)),
        ...(parts.readDatabase === undefined
          ? []
          : [replicaReadsLayer(parts.database, parts.readDatabase, parts.replicaReads)]),
        Layer.succeed(ExportOutbox, makeLimitedExportOutbox(db, exportQuota)),
        Layer.succeed(Mailer, parts.mailer),
        parts.portOverrides ?? Layer.empty,
      ),
    ),
    downloads: createDownloadLinks(parts.database, exportQuota, parts.downloads),
    exportQuota,
    changes: parts.changes,
    streamAccess: parts.streamAccess ?? createStreamAccess(parts.database),
  };
};
