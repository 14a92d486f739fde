import { type AnyColumn, type SQL, sql } from "drizzle-orm";
import pg from "pg";
import type { Db } from "../database.js";
import { CopyOut } from "./copy-out.js";

/**
 * Long exports on a PostgreSQL server: one `COPY (<select>) TO STDOUT` statement, read as
 * PostgreSQL's text format and turned into rows here, batch by batch as the bytes arrive.
 *
 * Why not keyset batches of SELECTs: each `LIMIT n` batch makes the planner choose index
 * lookups row by row (a 30-day report paid ≈ 8 µs a row for its joins), and node-postgres
 * turns every field of every row into a string and every time into a Date. One statement
 * lets PostgreSQL plan the whole range (hash joins, a parallel sort), and the text format
 * costs one UTF-8 decode per socket chunk ({@link CopyOut} strips the protocol's framing in
 * place) and a string search per field. Times travel as UTC wall-clock text
 * ({@link utcTimestampSql}), read by character codes. The rules of the file (R4, X5) stay in
 * core: this only delivers the rows.
 *
 * The statement holds its connection while the export streams, with backpressure: a consumer
 * that reads slowly slows the server down, memory stays at a socket's worth of rows. A
 * consumer that takes nothing for `stallTimeoutMs` loses the statement (the connection is
 * closed, not returned) and its next read fails, so a stalled download cannot keep a pool
 * connection forever.
 */

/** The pool behind a drizzle handle opened on a server; undefined for PGlite. */
export const serverPoolOf = (db: Db): pg.Pool | undefined => {
  const client = (db as unknown as { readonly $client?: unknown }).$client;
  return client instanceof pg.Pool ? client : undefined;
};

/** How long a COPY export waits for its consumer before it gives its connection up (ms). */
export const COPY_STALL_TIMEOUT_MS = 60_000;

/** Options of {@link copyBatches}. */
export interface CopyOptions {
  /** Milliseconds without a read before the statement is dropped (default 60 s). */
  readonly stallTimeoutMs?: number;
}

/** A field of a COPY text row: null for `\N`, otherwise the text. */
export type CopyField = string | null;

/** The consumer took nothing for too long; the statement was dropped. */
export class CopyStalled extends Error {
  constructor(ms: number) {
    super(`the export's reader took nothing for ${ms} ms; its statement was dropped`);
    this.name = "CopyStalled";
  }
}

const ESCAPES: Readonly<Record<string, string>> = {
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
};

// PostgreSQL's text format: `\\`, `\b \f \n \r \t \v`, octal `\ooo`, hex `\xhh`; any other
// character after a backslash stands for itself. COPY TO writes only the named ones and `\\`,
// but the reader takes the whole grammar.
const ESCAPE = /\\(?:([0-7]{1,3})|x([0-9A-Fa-f]{1,2})|([\s\S]))/g;

/** One field of a COPY text row: `\N` is null; escapes are undone. */
export const copyField = (raw: string): CopyField => {
  if (raw === "\\N") return null;
  if (!raw.includes("\\")) return raw;
  return raw.replace(ESCAPE, (_, octal?: string, hex?: string, other?: string) => {
    if (octal !== undefined) return String.fromCharCode(Number.parseInt(octal, 8) & 0xff);
    if (hex !== undefined) return String.fromCharCode(Number.parseInt(hex, 16));
    const c = other ?? "";
    return ESCAPES[c] ?? c;
  });
};

/**
 * One line of COPY text as a `toRow` callback reads it. One object serves every line of an
 * export (a row's fields are offsets into the batch's text, not strings cut in advance), so
 * a field costs a string only when `toRow` asks for it, and a time or a known value none.
 */
export class CopyLine {
  /** The batch's text; the current line's fields are offsets into it. */
  text = "";
  /** Whether the current line holds a backslash (a `\N` or an escape); most hold none. */
  escaped = false;
  /** Field `i` runs from `bounds[2i]` to `bounds[2i + 1]` (exclusive). */
  readonly bounds: Int32Array;
  private readonly last: CopyField[];

  constructor(readonly columns: number) {
    if (!Number.isInteger(columns) || columns < 1) throw new RangeError(`columns: ${columns}`);
    this.bounds = new Int32Array(columns * 2);
    this.last = new Array<CopyField>(columns).fill(null);
  }

  /** Field `i`: null for `\N`, otherwise its text with escapes undone. */
  field(i: number): CopyField {
    const from = this.bounds[2 * i] as number;
    const to = this.bounds[2 * i + 1] as number;
    const raw = this.text.slice(from, to);
    return this.escaped && raw.includes("\\") ? copyField(raw) : raw;
  }

  /**
   * Field `i` when it often repeats the line before (a member's name): the earlier string
   * itself when the text is the same, so no copy is made and core's per-value caches hit.
   * Only text read as it stands is remembered: text without a backslash is its own value,
   * so equal text means an equal value.
   */
  repeated(i: number): CopyField {
    const from = this.bounds[2 * i] as number;
    const to = this.bounds[2 * i + 1] as number;
    const last = this.last[i];
    if (last != null && to - from === last.length && this.text.startsWith(last, from)) return last;
    const raw = this.text.slice(from, to);
    if (this.escaped && raw.includes("\\")) return copyField(raw);
    this.last[i] = raw;
    return raw;
  }

  /**
   * Field `i` of a closed vocabulary: the matching entry of `values` itself, else the field.
   * The values are plain words (no backslash), so matching the text as it stands is exact.
   */
  oneOf(i: number, values: readonly string[]): CopyField {
    const from = this.bounds[2 * i] as number;
    const length = (this.bounds[2 * i + 1] as number) - from;
    for (const value of values) {
      if (value.length === length && this.text.startsWith(value, from)) return value;
    }
    return this.field(i);
  }

  /** Field `i`, a {@link utcTimestampSql} column, as its instant ({@link instantOfUtcText}). */
  instant(i: number): Date {
    const from = this.bounds[2 * i] as number;
    const to = this.bounds[2 * i + 1] as number;
    const millis = utcMillisAt(this.text, from, to);
    return Number.isNaN(millis) ? instantOfUtcText(this.text.slice(from, to)) : new Date(millis);
  }
}

/**
 * The rows of complete COPY text lines (`text` holds no trailing newline), each built by
 * `toRow` from `line` pointed at it. Each line must hold `line.columns` fields: the first
 * `columns − 1` are cut at tabs, and the last runs to the line's end (COPY escapes a tab in a
 * value, so a raw tab only ever separates fields). A line with fewer fields is refused.
 */
export const parseCopyText = <Row>(
  text: string,
  line: CopyLine,
  toRow: (line: CopyLine) => Row,
): Row[] => {
  const rows: Row[] = [];
  const bounds = line.bounds;
  const last = line.columns - 1;
  const length = text.length;
  line.text = text;
  // The next backslash at or after the line's start, or past the text's end when there is
  // none: most lines hold none. (Past the end, not -1: with `!== -1` tests here, V8's
  // optimised loop ran 4–10 times slower on the report's text, 490 ms against 127 ms for a
  // 333k-row export; the form, not the work, made the difference.)
  let backslash = text.indexOf("\\");
  if (backslash < 0) backslash = length + 1;
  let start = 0;
  while (start <= length) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = length;
    if (backslash < start) {
      backslash = text.indexOf("\\", start);
      if (backslash < 0) backslash = length + 1;
    }
    line.escaped = backslash < end;
    let from = start;
    for (let i = 0; i < last; i++) {
      const to = text.indexOf("\t", from);
      if (to < 0 || to > end) {
        throw new Error(`a COPY row held ${i + 1} fields where ${line.columns} were expected`);
      }
      bounds[2 * i] = from;
      bounds[2 * i + 1] = to;
      from = to + 1;
    }
    bounds[2 * last] = from;
    bounds[2 * last + 1] = end;
    rows.push(toRow(line));
    start = end + 1;
  }
  return rows;
};

/**
 * A `timestamptz` column as COPY should send it: its UTC wall-clock time, a `timestamp`
 * printed as `YYYY-MM-DD HH:MM:SS[.ffffff]`, the same whatever the session's time zone.
 * (Epoch milliseconds would need `extract(epoch …)`, whose numeric arithmetic cost the
 * server a third more time than the whole transcript COPY.)
 */
export const utcTimestampSql = (column: AnyColumn): SQL<string> =>
  sql<string>`${column} at time zone 'UTC'`;

// `YYYY-MM-DD HH:MM:SS`, then `.` and 1 to 6 digits or nothing, as DateStyle ISO prints a
// timestamp; a year of 5 digits or more, or ` BC`, takes the general pattern.
const UTC_TIMESTAMP = /^(\d{4,})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?( BC)?$/;

/** The two digits at `at` as a number; NaN if either is not a digit. */
const twoDigitsAt = (text: string, at: number): number => {
  const tens = text.charCodeAt(at) - 48;
  const ones = text.charCodeAt(at + 1) - 48;
  return tens >= 0 && tens <= 9 && ones >= 0 && ones <= 9 ? tens * 10 + ones : Number.NaN;
};

/**
 * Days from 1970-01-01 to a date of the proleptic Gregorian calendar (month 1–12), by integer
 * arithmetic (H. Hinnant's `days_from_civil`): a third of the cost of `Date.UTC`, and right
 * for years 0–99, which `Date.UTC` reads as 1900–1999.
 */
const daysFromCivil = (year: number, month: number, day: number): number => {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra =
    yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
};

/**
 * Epoch milliseconds of `text[from, to)` when it has the common shape, a 4-digit year and
 * `YYYY-MM-DD HH:MM:SS[.f…]` (the fraction cut, not rounded, as a JS Date holds it); NaN for
 * any other text.
 */
export const utcMillisAt = (text: string, from: number, to: number): number => {
  const n = to - from;
  if (
    !(n === 19 || (n >= 21 && n <= 26 && text.charCodeAt(from + 19) === 46)) ||
    text.charCodeAt(from + 4) !== 45 ||
    text.charCodeAt(from + 7) !== 45 ||
    text.charCodeAt(from + 10) !== 32 ||
    text.charCodeAt(from + 13) !== 58 ||
    text.charCodeAt(from + 16) !== 58
  ) {
    return Number.NaN;
  }
  let millis = 0;
  for (let i = from + 20, scale = 100; i < to; i++, scale /= 10) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return Number.NaN;
    if (scale >= 1) millis += digit * scale;
  }
  const days = daysFromCivil(
    twoDigitsAt(text, from) * 100 + twoDigitsAt(text, from + 2),
    twoDigitsAt(text, from + 5),
    twoDigitsAt(text, from + 8),
  );
  return (
    days * 86_400_000 +
    twoDigitsAt(text, from + 11) * 3_600_000 +
    twoDigitsAt(text, from + 14) * 60_000 +
    twoDigitsAt(text, from + 17) * 1000 +
    millis
  );
};

/** Milliseconds of a fraction's digits, cut (not rounded) as a JS Date would hold them. */
const millisOf = (fraction: string): number => Number(`${fraction}00`.slice(0, 3));

/**
 * The instant of a {@link utcTimestampSql} field. The common shape is read by character
 * codes ({@link utcMillisAt}); any other the server can print (a year of 5 digits or more,
 * ` BC`) goes through {@link UTC_TIMESTAMP}. `infinity` gives an invalid Date, as a timestamp
 * read by the driver would; text of another DateStyle is refused.
 */
export const instantOfUtcText = (text: string): Date => {
  const millis = utcMillisAt(text, 0, text.length);
  if (!Number.isNaN(millis)) return new Date(millis);
  if (text === "infinity" || text === "-infinity") return new Date(Number.NaN);
  const m = UTC_TIMESTAMP.exec(text);
  if (m === null) {
    throw new Error(
      `PostgreSQL printed a timestamp as ${JSON.stringify(text.slice(0, 40))}; exports need DateStyle ISO`,
    );
  }
  const [, y, mo, d, h, mi, sec, fraction, bc] = m;
  const date = new Date(0);
  // 1 BC is year 0 of the proleptic Gregorian calendar JS counts in.
  date.setUTCFullYear(bc === undefined ? Number(y) : 1 - Number(y), Number(mo) - 1, Number(d));
  date.setUTCHours(
    Number(h),
    Number(mi),
    Number(sec),
    fraction === undefined ? 0 : millisOf(fraction),
  );
  return date;
};

/** A parameter as an SQL literal: COPY takes no parameters. */
const literalOf = (value: unknown): string => {
  if (value === null || value === undefined) return "NULL";
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  if (typeof value === "boolean") return value ? "TRUE" : "FALSE";
  const text = value instanceof Date ? value.toISOString() : value;
  if (typeof text !== "string") throw new TypeError(`no SQL literal for a ${typeof value}`);
  // E'' reads backslashes the same whatever standard_conforming_strings says.
  return `E'${text.replace(/\\/g, "\\\\").replace(/'/g, "''")}'`;
};

/**
 * drizzle's `{ sql, params }` with every `$n` replaced by its value as a literal. The queries
 * given here are the repositories' own: their text holds no `$` but drizzle's placeholders.
 */
export const inlineParams = (query: { readonly sql: string; readonly params: unknown[] }) =>
  query.sql.replace(/\$(\d+)/g, (_, n: string) => {
    const index = Number(n) - 1;
    if (index < 0 || index >= query.params.length) throw new RangeError(`no parameter $${n}`);
    return literalOf(query.params[index]);
  });

/** A drizzle query as the text a COPY statement embeds. */
export const copySelectText = (query: {
  toSQL: () => { readonly sql: string; readonly params: unknown[] };
}): string => inlineParams(query.toSQL());

/**
 * Streams `COPY (<select>) TO STDOUT` as batches of parsed rows, one batch per socket chunk
 * (about 64 KB: small batches let each batch's rows, Dates and CSV text die young). `columns`
 * is the select's column count; `toRow` reads each line through {@link CopyLine}. Nothing runs
 * until the first batch is asked for. A consumer that stops early closes the connection (a
 * COPY can not be left half-read on a pooled connection). The rows read must add up to the
 * count the server reports at the end.
 */
export async function* copyBatches<Row>(
  pool: pg.Pool,
  selectText: string,
  columns: number,
  toRow: (line: CopyLine) => Row,
  options: CopyOptions = {},
): AsyncGenerator<readonly Row[]> {
  const stallTimeoutMs = options.stallTimeoutMs ?? COPY_STALL_TIMEOUT_MS;
  const line = new CopyLine(columns);
  const client = await pool.connect();
  let released = false;
  const release = (error?: Error) => {
    if (released) return;
    released = true;
    client.release(error);
  };
  let finished = false;
  let stalled = false;
  try {
    const copy = new CopyOut(`COPY (${selectText}) TO STDOUT`);
    client.query(copy);
    const decoder = new TextDecoder("utf-8");
    // Bytes of a row not yet whole: a row may span any number of chunks.
    let pending: Buffer[] = [];
    let count = 0;
    for (;;) {
      const chunk = await copy.read();
      if (chunk === null) break;
      // A newline byte never occurs inside a multi-byte UTF-8 character, so the bytes up to
      // the last one decode alone, into one flat string.
      const end = chunk.lastIndexOf(10);
      if (end < 0) {
        pending.push(chunk);
        continue;
      }
      const bytes = pending.length === 0 ? chunk : Buffer.concat([...pending, chunk]);
      const cut = bytes.length - (chunk.length - end);
      // `stream: true` although no character is ever cut: Node 20's streaming decoder (ICU)
      // reads this CJK-heavy text in half the time of its one-shot path.
      const text = decoder.decode(bytes.subarray(0, cut), { stream: true });
      const rows = parseCopyText(text, line, toRow);
      pending = cut + 1 < bytes.length ? [bytes.subarray(cut + 1)] : [];
      count += rows.length;
      const timer = setTimeout(() => {
        stalled = true;
        release(new CopyStalled(stallTimeoutMs));
      }, stallTimeoutMs);
      timer.unref();
      try {
        yield rows;
      } finally {
        clearTimeout(timer);
      }
      if (stalled) throw new CopyStalled(stallTimeoutMs);
    }
    // Every text row ends with a newline: bytes left over mean the stream was cut.
    if (pending.length > 0) throw new Error("COPY output ended inside a row");
    if (copy.rowCount !== count) {
      throw new Error(`COPY reported ${copy.rowCount} rows; ${count} were read`);
    }
    finished = true;
  } finally {
    // Only a statement read to its end leaves the connection fit to be reused.
    release(finished ? undefined : new Error("COPY export stopped before its end"));
  }
}
