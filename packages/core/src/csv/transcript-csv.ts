import type { SenderType } from "../domain/vocabulary.js";
import { formatInstantInZone } from "../rules/report-window.js";
import {
  type Batches,
  type CsvCell,
  encodeCsvBatches,
  encodeCsvField,
  safeFileNamePart,
} from "./csv-encoding.js";

/**
 * L7 columns, in order: `time` (sent, `YYYY-MM-DD HH:mm:ss` in the team's zone), `sender_type`
 * (`bot`, `customer` or `agent`), `name` (the agent's name on agent messages, else empty),
 * `content` (the message text).
 */
export const TRANSCRIPT_HEADER = ["time", "sender_type", "name", "content"] as const;

/** One message of a conversation as the transcript export needs it. */
export interface TranscriptMessage {
  readonly sentAt: Date;
  readonly sender: SenderType;
  /** The member who wrote it; read only for `agent` messages. */
  readonly agentName: string | null;
  readonly content: string;
}

/** One transcript row in {@link TRANSCRIPT_HEADER} order, the time in the team's zone (X5). */
export function transcriptRow(message: TranscriptMessage, timeZone: string): CsvCell[] {
  return [
    formatInstantInZone(message.sentAt, timeZone),
    message.sender,
    // L7 names agents only: a bot or customer row never carries a member's name.
    message.sender === "agent" ? message.agentName : null,
    message.content,
  ];
}

/** L7: streams a conversation's transcript, batch by batch as the port reads it, as CSV chunks (BOM and header first). */
export function encodeTranscriptCsv(
  batches: Batches<TranscriptMessage>,
  timeZone: string,
): AsyncGenerator<string> {
  const cell = encodeCsvField;
  // The cells of transcriptRow written by index, not through a loop: this runs per message.
  return encodeCsvBatches(TRANSCRIPT_HEADER, batches, (message) => {
    const row = transcriptRow(message, timeZone);
    return `${cell(row[0] ?? null)},${cell(row[1] ?? null)},${cell(row[2] ?? null)},${cell(row[3] ?? null)}\r\n`;
  });
}

/** `conversation-<id>-<YYYYMMDD-HHmmss>.csv`, ASCII only, the time in the team's zone. */
export function transcriptFileName(conversationId: string, at: Date, timeZone: string): string {
  const stamp = formatInstantInZone(at, timeZone).replace(/-|:/g, "").replace(" ", "-");
  const id = safeFileNamePart(conversationId);
  return id === "" ? `conversation-${stamp}.csv` : `conversation-${id}-${stamp}.csv`;
}
