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
  DatabaseOptionsInvalid,
  type Db,
  fromPglite,
  LISTEN_APPLICATION_NAME,
  MIGRATIONS_FOLDER,
} from "./database.js";
export { type DatabasePorts, databaseLayer } from "./layer.js";
export { type ReplicaReadOptions, replicaReadsLayer } from "./replica-reads.js";
export type { ChangeNotification } from "./repositories/change-feed.js";
export {
  type ActiveCredential,
  findActiveCredential,
  insertCredential,
  type NewCredential,
  revokeCredentialById,
} from "./repositories/credentials.js";
export {
  type DownloadLinkUse,
  insertDownloadLink,
  type NewDownloadLink,
  type UsableDownloadLink,
  useDownloadLink,
} from "./repositories/download-links.js";
export {
  claimPendingExports,
  markExportFailed,
  markExportSent,
} from "./repositories/export-outbox.js";
export {
  checkExportQuota,
  DEFAULT_EXPORT_QUOTA,
  type ExportQuota,
  makeLimitedExportOutbox,
  type QuotaAnswer,
  takeExportQuota,
} from "./repositories/export-quota.js";
export {
  type HolderStanding,
  holderStanding,
  MemberChangeRefused,
  memberKey,
  removeMember,
  type StreamHolder,
  setMemberRole,
} from "./repositories/members.js";
export {
  latestPanelChangeId,
  type PanelChangesQuery,
  panelChangesPage,
  prunePanelChanges,
  type StoredPanelChange,
} from "./repositories/panel-changes.js";
export { type RowExport, type RowExportOptions, rowExportFor } from "./row-export/row-export.js";
export * as schema from "./schema.js";
