/**
 * @customer-panel/db — the panel's data on in-process PGlite or a PostgreSQL
 * server: schema, migrations, and the implementation of every core port.
 */

export {
  CHANGES_CHANNEL,
  createDatabase,
  type Database,
  DatabaseFolderDamaged,
  type DatabaseOptions,
  type Db,
  fromPglite,
  MIGRATIONS_FOLDER,
} from "./database.js";
export { builtContext, type DatabasePorts, databaseLayer } from "./layer.js";
export type { ChangeNotification } from "./repositories/change-feed.js";
export {
  type ActiveCredential,
  findActiveCredential,
  insertCredential,
  type NewCredential,
  revokeCredentialById,
} from "./repositories/credentials.js";
export {
  claimPendingExports,
  markExportFailed,
  markExportSent,
} from "./repositories/export-outbox.js";
export {
  latestPanelChangeId,
  type PanelChangesQuery,
  panelChangesAfter,
  prunePanelChanges,
  type StoredPanelChange,
} from "./repositories/panel-changes.js";
export * as schema from "./schema.js";
