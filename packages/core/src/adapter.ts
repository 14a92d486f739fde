/**
 * @customer-panel/core/adapter — for implementers of core's ports (the db package,
 * a mailer, test doubles): the port services the use cases need, the requests and
 * rows that only cross a port, and the CSV format those rows are written in.
 * A caller of the use cases needs only `@customer-panel/core`.
 *
 * Where a decision depends on stored state that concurrent requests may change, a port
 * offers narrow steps — lock and read, record — and the use case runs lock → decide →
 * record inside `Transactions.withTransaction`: the rule stays in core, and no port takes a
 * function from core.
 */

// csv/tag-report-csv.ts — the CSV of the tag reports (R2, R3)
export {
  encodeTagRecordsCsv,
  encodeTagStatsCsv,
  TAG_RECORDS_HEADER,
  TAG_STATS_HEADER,
} from "./csv/tag-report-csv.js";
// csv/transcript-csv.ts — the CSV of a conversation transcript (L7)
export { encodeTranscriptCsv, TRANSCRIPT_HEADER } from "./csv/transcript-csv.js";
// domain/*.ts — the data that only crosses a port
export type { ConversationUpdate } from "./domain/conversation-update.js";
export type { CsvEmail, EmailAttachment } from "./domain/email-export.js";
export type { IncomingMessage, LockedSender } from "./domain/incoming-message.js";
export type { PanelSnapshot } from "./domain/panel-snapshot.js";
export type { ProfileAuditEntry, ProfileView } from "./domain/profile-edit.js";
export type { TagRecordRow, TagStatsRow, TranscriptMessage } from "./domain/report-rows.js";
export type {
  AppliedTag,
  LockedTagApplication,
  LockedTagRemoval,
  TagApplyRequest,
} from "./domain/tag-application.js";
// ports/*.ts — the services the use cases require, one file per port group
export { ChangeFeed } from "./ports/change-feed.js";
export { Conversations } from "./ports/conversations.js";
export { Directory, Preferences } from "./ports/directory.js";
export { ExportOutbox, Mailer } from "./ports/exports.js";
export { IdSource } from "./ports/id-source.js";
export { Ingestion } from "./ports/ingestion.js";
export { Navigation } from "./ports/navigation.js";
export { Omo } from "./ports/omo.js";
export { PanelReader } from "./ports/panel-reader.js";
export { Profiles } from "./ports/profiles.js";
export { TagReports } from "./ports/tag-reports.js";
export { Tags } from "./ports/tags.js";
export { Transactions } from "./ports/transactions.js";
// xlsx/*.ts — the same rows as XLSX workbooks (typed cells, team-local date-times)
export { encodeTagRecordsXlsx, encodeTagStatsXlsx } from "./xlsx/tag-report-xlsx.js";
export { encodeTranscriptXlsx } from "./xlsx/transcript-xlsx.js";
