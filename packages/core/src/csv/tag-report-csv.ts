import type { TagRecordRow, TagStatsRow } from "../domain/report-rows.js";
import {
  type Batches,
  type CsvCell,
  encodeCsvBatches,
  encodeCsvField,
  encodeCsvStream,
  mapCsvRows,
  repeatingCells,
  safeFileNamePart,
} from "./csv-encoding.js";
import { ExportClock } from "./export-clock.js";

/** R2 columns: `tag` (name), `applications` (in the range), `customers` (distinct, tagged in the range). */
export const TAG_STATS_HEADER = ["tag", "applications", "customers"] as const;

/**
 * R3 columns: `time` (applied, `YYYY-MM-DD HH:mm:ss` in the team's zone), `customer_id`,
 * `customer_name`, `tag`, `channel` (empty when applied outside a conversation), `method` (T7),
 * `member` (who applied it; empty for bots, rules, broadcasts, API and imports), `utc_offset`
 * (the zone's offset at `time`, `+08:00`: X5 times stay unambiguous across a fall-back).
 */
export const TAG_RECORDS_HEADER = [
  "time",
  "customer_id",
  "customer_name",
  "tag",
  "channel",
  "method",
  "member",
  "utc_offset",
] as const;

type Rows<T> = AsyncIterable<T> | Iterable<T>;

/** R2: streams tag statistics as CSV chunks (BOM and header first). No time column, so no zone. */
export function encodeTagStatsCsv(rows: Rows<TagStatsRow>): AsyncGenerator<string> {
  return encodeCsvStream(
    TAG_STATS_HEADER,
    mapCsvRows(rows, (row): CsvCell[] => [row.tagName, row.applications, row.customers]),
  );
}

/** R3: streams tag applications, batch by batch as the port reads them, as CSV chunks, times in the team's zone (X5). */
export function encodeTagRecordsCsv(
  batches: Batches<TagRecordRow>,
  timeZone: string,
): AsyncGenerator<string> {
  const cell = encodeCsvField;
  const clock = new ExportClock(timeZone);
  const channelCell = repeatingCells();
  const methodCell = repeatingCells();
  const memberCell = repeatingCells();
  // A template, not an array of cells: this runs once per application, hundreds of thousands
  // of times per report. The time is core's own digits and needs no guard.
  return encodeCsvBatches(
    TAG_RECORDS_HEADER,
    batches,
    (row) =>
      `${clock.time(row.appliedAt)},${cell(row.customerId)},${cell(row.customerName)},${cell(row.tagName)},${channelCell(row.channel)},${methodCell(row.method)},${memberCell(row.memberName)},${clock.utcOffset(row.appliedAt)}\r\n`,
  );
}

/** The file formats of an export download: CSV (R4) or XLSX. */
export type ExportFormat = "csv" | "xlsx";

/**
 * `tag-stats-<from>_<to>.csv` or `tag-records-<from>_<to>.csv` (`.xlsx` for XLSX), ASCII only;
 * `from` and `to` are the team-local dates of the window.
 */
export function tagReportFileName(
  kind: "stats" | "records",
  window: { readonly from: string; readonly to: string },
  format: ExportFormat = "csv",
): string {
  return `tag-${kind}-${safeFileNamePart(window.from, 10)}_${safeFileNamePart(window.to, 10)}.${format}`;
}
