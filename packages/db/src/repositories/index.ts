/**
 * @customer-panel/db/repositories — what the panel server (`@customer-panel/trpc`)
 * reads and writes beyond core's ports: credentials, download links, the email export
 * outbox and its quota, team members, and the panel change log with its NOTIFY channel.
 * Core's use cases reach the database through `databaseLayer` instead.
 */

// database.ts — the NOTIFY channel of panel changes and the name of its LISTEN connection
export { CHANGES_CHANNEL, LISTEN_APPLICATION_NAME } from "../database.js";

// change-feed.ts — the payload announced on CHANGES_CHANNEL
export type { ChangeNotification } from "./change-feed.js";

// credentials.ts — API credentials (hashed secrets)
export {
  type ActiveCredential,
  type CredentialSummary,
  findActiveCredential,
  insertCredential,
  listCredentials,
  type NewCredential,
  revokeCredentialById,
} from "./credentials.js";

// download-links.ts — single-use download links
export {
  type DownloadLinkUse,
  insertDownloadLink,
  type NewDownloadLink,
  type UsableDownloadLink,
  useDownloadLink,
} from "./download-links.js";

// export-outbox.ts — delivering queued email exports
export {
  claimPendingExports,
  markExportFailed,
  markExportSent,
  pendingExportCount,
} from "./export-outbox.js";

// export-quota.ts — the database export limit
export {
  checkExportQuota,
  DEFAULT_EXPORT_QUOTA,
  type ExportQuota,
  makeLimitedExportOutbox,
  type QuotaAnswer,
  takeExportQuota,
} from "./export-quota.js";

// members.ts — member roles, removal, and whether stream holders still stand
export {
  type HolderStanding,
  holderStanding,
  MemberChangeRefused,
  memberKey,
  removeMember,
  type StreamHolder,
  setMemberRole,
} from "./members.js";

// panel-changes.ts — the panel change log (resume, prune)
export {
  latestPanelChangeId,
  type PanelChangesQuery,
  panelChangesPage,
  prunePanelChanges,
  type StoredPanelChange,
} from "./panel-changes.js";

// team-admin.ts — what an operator does: create teams, set their features and zone, add members
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
} from "./team-admin.js";
