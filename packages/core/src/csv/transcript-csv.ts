import type { TranscriptMessage } from "../domain/report-rows.js";
import { formatInstantInZone } from "../rules/report-window.js";
import {
  type Batches,
  encodeCsvBatches,
  encodeCsvField,
  repeatingCells,
  safeFileNamePart,
} from "./csv-encoding.js";
import { ExportClock } from "./export-clock.js";

/**
 * L7 columns, in order: `time` (sent, `YYYY-MM-DD HH:mm:ss` in the team's zone), `sender_type`
 * (`bot`, `customer` or `agent`), `name` (the agent's name on agent messages, else empty),
 * `content` (the message text), `utc_offset` (the zone's offset at that time, `+08:00`: the
 * hour a fall-back repeats is told apart, and `time` stays a date-time spreadsheets parse).
 */
export const TRANSCRIPT_HEADER = ["time", "sender_type", "name", "content", "utc_offset"] as const;

/**
 * One transcript record: the cells in {@link TRANSCRIPT_HEADER} order, the time in the team's
 * zone (X5), CRLF at the end. The time is core's own digits and needs no guard; every other
 * cell goes through {@link encodeCsvField}.
 */
export function transcriptRecord(message: TranscriptMessage, timeZone: string): string {
  return transcriptRecordWriter(timeZone)(message);
}

/**
 * {@link transcriptRecord} for one export: written as one template, not an array of cells
 * (this runs once per message), with the sender's and agent's cells remembered per value.
 */
function transcriptRecordWriter(timeZone: string): (message: TranscriptMessage) => string {
  const clock = new ExportClock(timeZone);
  const senderCell = repeatingCells();
  const nameCell = repeatingCells();
  return (message) => {
    // L7 names agents only: a bot or customer row never carries a member's name.
    const name = message.sender === "agent" ? nameCell(message.agentName) : "";
    return `${clock.time(message.sentAt)},${senderCell(message.sender)},${name},${encodeCsvField(message.content)},${clock.utcOffset(message.sentAt)}\r\n`;
  };
}

/** L7: streams a conversation's transcript, batch by batch as the port reads it, as CSV chunks (BOM and header first). */
export function encodeTranscriptCsv(
  batches: Batches<TranscriptMessage>,
  timeZone: string,
): AsyncGenerator<string> {
  return encodeCsvBatches(TRANSCRIPT_HEADER, batches, transcriptRecordWriter(timeZone));
}

/** `conversation-<id>-<YYYYMMDD-HHmmss>.csv` (`.xlsx` for XLSX), ASCII only, the time in the team's zone. */
export function transcriptFileName(
  conversationId: string,
  at: Date,
  timeZone: string,
  format: "csv" | "xlsx" = "csv",
): string {
  const stamp = formatInstantInZone(at, timeZone).replace(/-|:/g, "").replace(" ", "-");
  const id = safeFileNamePart(conversationId);
  return id === "" ? `conversation-${stamp}.${format}` : `conversation-${id}-${stamp}.${format}`;
}
