import type { Batches } from "../csv/csv-encoding.js";
import { ExportClock } from "../csv/export-clock.js";
import { TAG_RECORDS_HEADER, TAG_STATS_HEADER } from "../csv/tag-report-csv.js";
import type { TagRecordRow, TagStatsRow } from "../domain/report-rows.js";
import type { XlsxWorkbook } from "../domain/xlsx-workbook.js";
import { dateTimeCells, numberCell, SharedStrings, stringCell } from "./xlsx-cells.js";
import { encodeSheetXml, type XlsxColumn, xlsxWorkbook } from "./xlsx-package.js";

type Rows<T> = AsyncIterable<T> | Iterable<T>;

/** Column widths (characters) of the statistics sheet, in {@link TAG_STATS_HEADER} order. */
const STATS_WIDTHS = [32, 14, 12];

/** Column widths of the records sheet: a time, a UUID, names, short words, an offset. */
const RECORDS_WIDTHS = [20, 38, 28, 24, 12, 12, 22, 11];

const columnsOf = (header: readonly string[], widths: readonly number[]): XlsxColumn[] =>
  header.map((h, i) => ({ header: h, width: widths[i] ?? 16 }));

/** Sheet names: what the sheet holds. */
export const TAG_STATS_SHEET = "Tag statistics";
/** @see TAG_STATS_SHEET */
export const TAG_RECORDS_SHEET = "Tag records";

/** Single rows grouped in batches of 500 for {@link encodeSheetXml}. */
async function* inBatches<T>(rows: Rows<T>): AsyncGenerator<readonly T[]> {
  let batch: T[] = [];
  for await (const row of rows) {
    batch.push(row);
    if (batch.length >= 500) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/** R2 as XLSX: the CSV's columns, counts as numbers. */
export function encodeTagStatsXlsx(rows: Rows<TagStatsRow>): XlsxWorkbook {
  return xlsxWorkbook(
    TAG_STATS_SHEET,
    encodeSheetXml(
      columnsOf(TAG_STATS_HEADER, STATS_WIDTHS),
      inBatches(rows),
      (row) => stringCell(row.tagName) + numberCell(row.applications) + numberCell(row.customers),
    ),
  );
}

/**
 * R3 as XLSX: the CSV's columns; `time` a date-time cell holding the team-local wall time (X5),
 * `utc_offset` the zone's offset beside it, as in the CSV, so an hour a fall-back repeats stays
 * unambiguous.
 */
export function encodeTagRecordsXlsx(
  batches: Batches<TagRecordRow>,
  timeZone: string,
): XlsxWorkbook {
  const clock = new ExportClock(timeZone);
  const timeCell = dateTimeCells();
  const shared = new SharedStrings();
  const tagCell = shared.column(256);
  const channelCell = shared.column();
  const methodCell = shared.column();
  const memberCell = shared.column();
  const offsetCell = shared.column();
  return xlsxWorkbook(
    TAG_RECORDS_SHEET,
    encodeSheetXml(
      columnsOf(TAG_RECORDS_HEADER, RECORDS_WIDTHS),
      batches,
      (row) =>
        timeCell(clock.wallClockMillis(row.appliedAt), () => clock.time(row.appliedAt)) +
        stringCell(row.customerId) +
        stringCell(row.customerName) +
        tagCell(row.tagName) +
        channelCell(row.channel) +
        methodCell(row.method) +
        memberCell(row.memberName) +
        offsetCell(clock.utcOffset(row.appliedAt)),
    ),
    shared,
  );
}
