/**
 * @customer-panel/core/adapter — for implementers of core's ports (the db package,
 * a mailer, test doubles): the port services the use cases need, the requests and
 * rows that only cross a port, and the CSV format those rows are written in.
 * A caller of the use cases needs only `@customer-panel/core`.
 */

// csv/tag-report-csv.ts — the rows of the tag reports and their CSV (R2, R3)
export {
  encodeTagRecordsCsv,
  encodeTagStatsCsv,
  TAG_RECORDS_HEADER,
  TAG_STATS_HEADER,
  type TagRecordRow,
  type TagStatsRow,
} from "./csv/tag-report-csv.js";
// csv/transcript-csv.ts — the rows of a conversation transcript and their CSV (L7)
export {
  encodeTranscriptCsv,
  TRANSCRIPT_HEADER,
  type TranscriptMessage,
} from "./csv/transcript-csv.js";
// domain/conversation-update.ts — what a conversation decision changes
export type { ConversationUpdate } from "./domain/conversation-update.js";
// ports/transactions.ts — one database transaction around a use case's port calls
export { Transactions } from "./ports/transactions.js";
// ports.ts — the services the use cases require, and what only crosses a port
export {
  type AppliedTag,
  ChangeFeed,
  Conversations,
  type CsvEmail,
  Directory,
  type EmailAttachment,
  ExportOutbox,
  IdSource,
  type IncomingMessage,
  Ingestion,
  type LockedSender,
  type LockedTagApplication,
  type LockedTagRemoval,
  Mailer,
  Navigation,
  Omo,
  PanelReader,
  type PanelSnapshot,
  Preferences,
  type ProfileAuditEntry,
  Profiles,
  type ProfileView,
  type TagApplyRequest,
  TagReports,
  Tags,
} from "./ports.js";
// xlsx/*.ts — the same rows as XLSX workbooks (typed cells, team-local date-times)
export { encodeTagRecordsXlsx, encodeTagStatsXlsx } from "./xlsx/tag-report-xlsx.js";
export { encodeTranscriptXlsx } from "./xlsx/transcript-xlsx.js";
