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

// Any surrogate at all: text without one (nearly all text) skips the lone-surrogate search.
const ANY_SURROGATE = /[\uD800-\uDFFF]/;

/** R4: prefixes `'` to text a spreadsheet would run as a formula, so it shows as text instead. */
export function neutralizeFormula(cell: string): string {
  return FORMULA_PREFIX.test(cell) ? `'${cell}` : cell;
}

/**
 * Replaces lone UTF-16 surrogates with U+FFFD. They have no UTF-8 encoding: a byte encoder would
 * either throw or substitute silently, so we substitute here, where the tests can see it.
 */
export function toWellFormed(text: string): string {
  return ANY_SURROGATE.test(text) ? text.replace(LONE_SURROGATE, "\uFFFD") : text;
}

// RFC 4180: a field holding a comma, a quote, CR or LF is quoted, its quotes doubled.
const NEEDS_QUOTES = /[",\r\n]/;

// Text none of the rules above touch, found in one pass: no formula lead, nothing to quote,
// no surrogate (a well-formed pair goes the long way and comes back unchanged).
const PLAIN = /^(?![=+\-@\t\r\n\0\uFF1D\uFF0B\uFF0D\uFF20])[^",\r\n\uD800-\uDFFF]*$/;

/**
 * RFC 4180 for one field. Hand-written on purpose: csv-stringify/sync touches Node's
 * `Buffer` when it loads and pulls Node's types into this pure package, and with an
 * explicit record delimiter it leaves a lone CR or LF unquoted unless told otherwise.
 * Exports run every cell through here (a 30-day report is millions of cells): the common
 * cell is recognised by one search and returned as it is.
 */
export const encodeCsvField = (cell: CsvCell): string => {
  if (cell === null) return "";
  // Numbers are our own counts, never user text: writing them plainly keeps them numeric.
  if (typeof cell === "number") return String(cell);
  if (PLAIN.test(cell)) return cell;
  const text = toWellFormed(neutralizeFormula(cell));
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/**
 * {@link encodeCsvField} for a column whose values repeat (a sender type, a channel, a
 * member's name): each distinct value is encoded once and its cell remembered, up to
 * `limit` values, after which the rest are encoded each time. One per column per export:
 * a 100k-row export otherwise checks the same few words 100k times.
 */
export const repeatingCells = (limit = 64): ((value: string | null) => string) => {
  const cells = new Map<string, string>();
  return (value) => {
    if (value === null) return "";
    const known = cells.get(value);
    if (known !== undefined) return known;
    const cell = encodeCsvField(value);
    if (cells.size < limit) cells.set(value, cell);
    return cell;
  };
};

/** One record: the fields joined by commas, then CRLF. */
export const encodeCsvRecord = (row: readonly CsvCell[]): string => {
  let line = "";
  for (let i = 0; i < row.length; i++) {
    if (i > 0) line += ",";
    line += encodeCsvField(row[i] ?? null);
  }
  return `${line}\r\n`;
};

/** Encodes rows as RFC 4180 CSV: fields quoted when needed, quotes doubled, CRLF after each row. */
export function encodeCsvRows(rows: readonly (readonly CsvCell[])[]): string {
  let out = "";
  for (const row of rows) out += encodeCsvRecord(row);
  return out;
}

/** Items in batches, as the database ports stream long exports: one promise per batch, not per row. */
export type Batches<T> = AsyncIterable<readonly T[]> | Iterable<readonly T[]>;

/**
 * Streams a CSV file from batches of items: BOM and header first, then a chunk per
 * `chunkRows` items of each batch (default 500). `toRecord` writes one item as a record,
 * every cell through {@link encodeCsvField} ({@link encodeCsvRecord} does that for an array
 * of cells). A batch is pulled only when its previous chunk was consumed, so memory is
 * bounded by the batch size the source chose, never by the row count (R4).
 */
export async function* encodeCsvBatches<T>(
  header: readonly string[],
  batches: Batches<T>,
  toRecord: (item: T) => string,
  chunkRows: number = DEFAULT_CSV_BATCH_SIZE,
): AsyncGenerator<string> {
  yield UTF8_BOM + encodeCsvRecord(header);
  // for await also walks a sync iterable, and returns the source early if the consumer stops.
  for await (const batch of batches) {
    // A chunk holds at most `chunkRows` records, however large the batch: a long chunk
    // string built of many pieces outlives V8's young generation and inflates the heap.
    // Its records are joined once (one flat string) rather than appended one by one (a
    // node per record, flattened again when the chunk is written).
    for (let from = 0; from < batch.length; from += chunkRows) {
      const to = Math.min(batch.length, from + chunkRows);
      const parts: string[] = new Array(to - from);
      for (let i = from; i < to; i++) parts[i - from] = toRecord(batch[i] as T);
      yield parts.join("");
    }
  }
}

/** Groups single items into arrays of `size` (the last one may be shorter). */
async function* inBatches<T>(
  items: AsyncIterable<T> | Iterable<T>,
  size: number,
): AsyncGenerator<readonly T[]> {
  let batch: T[] = [];
  for await (const item of items) {
    batch.push(item);
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/**
 * Streams a CSV file from single rows: BOM and header first, then one chunk per `batchSize` rows.
 * Rows are pulled only as chunks are consumed, so memory is bounded by the batch (R4).
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
  yield* encodeCsvBatches(header, inBatches(rows, batchSize), encodeCsvRecord, batchSize);
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
