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
  LISTEN_APPLICATION_NAME,
  MIGRATIONS_FOLDER,
  type PoolStats,
} from "./database.js";
export { builtContext, type DatabasePorts, databaseLayer } from "./layer.js";
export { pendingMigrations } from "./migration-state.js";
export type { ChangeNotification } from "./repositories/change-feed.js";
export {
  type ActiveCredential,
  type CredentialSummary,
  findActiveCredential,
  insertCredential,
  listCredentials,
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
  pendingExportCount,
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
export {
  addMember,
  createTeam,
  type MemberSummary,
  type NewTeam,
  setTeamFeatures,
  setTeamTimeZone,
  TeamChangeRefused,
  type TeamFeatures,
  type TeamSummary,
} from "./repositories/team-admin.js";
export * as schema from "./schema.js";
