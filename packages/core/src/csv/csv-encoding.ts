/** One CSV cell: text (neutralized against formulas), a number of ours written plainly, or empty. */
export type CsvCell = string | number | null;

/** The UTF-8 byte-order mark, first in every export so spreadsheets read Chinese text as UTF-8 (R4). */
export const UTF8_BOM = "\uFEFF";

/** Rows per chunk of {@link encodeCsvStream} when the caller does not say. */
export const DEFAULT_CSV_BATCH_SIZE = 500;

// OWASP's list (= + - @ tab CR) plus LF and NUL, which some spreadsheets skip before a formula,
// and the full-width forms, which CJK-locale spreadsheets may read as their ASCII twins.
const FORMULA_PREFIX = /^[=+\-@\t\r\n\0\uFF1D\uFF0B\uFF0D\uFF20]/;

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** R4: prefixes `'` to text a spreadsheet would run as a formula, so it shows as text instead. */
export function neutralizeFormula(cell: string): string {
  return FORMULA_PREFIX.test(cell) ? `'${cell}` : cell;
}

/**
 * Replaces lone UTF-16 surrogates with U+FFFD. They have no UTF-8 encoding: a byte encoder would
 * either throw or substitute silently, so we substitute here, where the tests can see it.
 */
export function toWellFormed(text: string): string {
  return text.replace(LONE_SURROGATE, "\uFFFD");
}

// RFC 4180: a field holding a comma, a quote, CR or LF is quoted, its quotes doubled.
const NEEDS_QUOTES = /[",\r\n]/;

/**
 * RFC 4180 for one field. Hand-written on purpose: csv-stringify/sync touches Node's
 * `Buffer` when it loads and pulls Node's types into this pure package, and with an
 * explicit record delimiter it leaves a lone CR or LF unquoted unless told otherwise.
 */
const encodeField = (cell: CsvCell): string => {
  if (cell === null) return "";
  // Numbers are our own counts, never user text: writing them plainly keeps them numeric.
  if (typeof cell === "number") return String(cell);
  const text = toWellFormed(neutralizeFormula(cell));
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/** Encodes rows as RFC 4180 CSV: fields quoted when needed, quotes doubled, CRLF after each row. */
export function encodeCsvRows(rows: readonly (readonly CsvCell[])[]): string {
  let out = "";
  for (const row of rows) out += `${row.map(encodeField).join(",")}\r\n`;
  return out;
}

/**
 * Streams a CSV file: BOM and header first, then one chunk per `batchSize` rows. Rows are pulled
 * only as chunks are consumed, so memory is bounded by the batch, never by the row count (R4).
 */
export async function* encodeCsvStream(
  header: readonly string[],
  rows: AsyncIterable<readonly CsvCell[]> | Iterable<readonly CsvCell[]>,
  options?: { readonly batchSize?: number },
): AsyncGenerator<string> {
  const batchSize = options?.batchSize ?? DEFAULT_CSV_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  }
  yield UTF8_BOM + encodeCsvRows([header]);
  let batch: (readonly CsvCell[])[] = [];
  // for await also walks a sync iterable, and returns the source early if the consumer stops.
  for await (const row of rows) {
    batch.push(row);
    if (batch.length >= batchSize) {
      yield encodeCsvRows(batch);
      batch = [];
    }
  }
  if (batch.length > 0) yield encodeCsvRows(batch);
}

/** Maps items (async or sync) to CSV rows lazily, one at a time, for {@link encodeCsvStream}. */
export async function* mapCsvRows<T>(
  items: AsyncIterable<T> | Iterable<T>,
  toRow: (item: T) => readonly CsvCell[],
): AsyncGenerator<readonly CsvCell[]> {
  for await (const item of items) yield toRow(item);
}

/** ASCII letters, digits, `-` and `_` only, so a download name needs no escaping anywhere. */
export function safeFileNamePart(text: string, maxLength = 64): string {
  return text.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, maxLength);
}
