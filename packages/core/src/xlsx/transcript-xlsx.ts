import type { Batches } from "../csv/csv-encoding.js";
import { ExportClock } from "../csv/export-clock.js";
import { TRANSCRIPT_HEADER } from "../csv/transcript-csv.js";
import type { TranscriptMessage } from "../domain/report-rows.js";
import type { XlsxWorkbook } from "../domain/xlsx-workbook.js";
import { dateTimeCells, SharedStrings, stringCell } from "./xlsx-cells.js";
import { encodeSheetXml, xlsxWorkbook } from "./xlsx-package.js";

/** Column widths (characters), in {@link TRANSCRIPT_HEADER} order: the message text gets room. */
const WIDTHS = [20, 12, 22, 80, 11];

/** The transcript's sheet name. */
export const TRANSCRIPT_SHEET = "Conversation transcript";

/**
 * L7 as XLSX: the CSV's columns; `time` a date-time cell in the team's zone (X5) with
 * `utc_offset` beside it; the agent's name on agent messages only.
 */
export function encodeTranscriptXlsx(
  batches: Batches<TranscriptMessage>,
  timeZone: string,
): XlsxWorkbook {
  const clock = new ExportClock(timeZone);
  const timeCell = dateTimeCells();
  const shared = new SharedStrings();
  const senderCell = shared.column();
  const nameCell = shared.column();
  const offsetCell = shared.column();
  return xlsxWorkbook(
    TRANSCRIPT_SHEET,
    encodeSheetXml(
      TRANSCRIPT_HEADER.map((header, i) => ({ header, width: WIDTHS[i] ?? 16 })),
      batches,
      (m) =>
        timeCell(clock.wallClockMillis(m.sentAt), () => clock.time(m.sentAt)) +
        senderCell(m.sender) +
        nameCell(m.sender === "agent" ? m.agentName : null) +
        stringCell(m.content) +
        offsetCell(clock.utcOffset(m.sentAt)),
    ),
    shared,
  );
}
