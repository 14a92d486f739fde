import type { Author } from "./author.js";
import type { ConversationId, TeamId } from "./ids.js";
import type { XlsxWorkbook } from "./xlsx-workbook.js";

/** A queued email export (outbox row). */
export interface EmailExportJob {
  readonly exportId: string;
  readonly teamId: TeamId;
  readonly conversationId: ConversationId;
  readonly to: string;
  readonly requestedBy: Author;
  readonly requestedAt: Date;
  /** The attachment's format; absent means CSV. */
  readonly attachment?: "csv" | "xlsx";
}

/** An email's attachment: CSV text chunks (BOM first), or an XLSX workbook's parts to zip. */
export type EmailAttachment =
  | { readonly fileName: string; readonly content: AsyncIterable<string> }
  | { readonly fileName: string; readonly workbook: XlsxWorkbook };

/** An email with one export attached (CSV or XLSX). */
export interface CsvEmail {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly attachment: EmailAttachment;
  /**
   * A stable id of what the email carries (an email export's id): the same on every
   * attempt, so a mailer gives every attempt one Message-ID and a receiver can drop a
   * second copy. Absent: each email is new.
   */
  readonly reference?: string;
}
