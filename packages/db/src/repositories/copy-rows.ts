import { type AnyColumn, type SQL, sql } from "drizzle-orm";
import pg from "pg";
import { to as copyTo } from "pg-copy-streams";
import type { Db } from "../database.js";

/**
 * Long exports on a PostgreSQL server: one `COPY (<select>) TO STDOUT` statement, read as
 * PostgreSQL's text format and turned into rows here, batch by batch as the bytes arrive.
 *
 * Why not keyset batches of SELECTs: each `LIMIT n` batch makes the planner choose index
 * lookups row by row (a 30-day report paid ≈ 8 µs a row for its joins), and node-postgres
 * turns every field of every row into a string and every time into a Date. One statement
 * lets PostgreSQL plan the whole range (hash joins, a parallel sort), and the text format
 * costs one UTF-8 decode per chunk and two string splits. Times travel as UTC wall-clock
 * text ({@link utcTimestampSql}), read by character codes. The rules of the file (R4, X5)
 * stay in core: this only delivers the rows.
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

/**
 * Text gathered into one batch at most when more has already arrived (64K characters, about
 * a thousand rows). Small batches let each batch's rows, Dates and CSV text die young: with
 * 512K-character batches the transcript export spent a third more time, most of it in GC.
 */
const COALESCE_CHARS = 1 << 16;

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
 * The rows of complete COPY text lines (`text` holds no trailing newline), each built by
 * `toRow` from its fields. Fields are cut with indexOf and slice (a split per line costs an
 * array more per row) into one array reused for every line: `toRow` reads it and must not
 * keep it. A field is read through {@link copyField} only when it holds a backslash, as nulls
 * and escapes do, and only the fields of a line that holds one are looked at.
 */
export const parseCopyText = <Row>(
  text: string,
  toRow: (fields: readonly CopyField[]) => Row,
): Row[] => {
  const rows: Row[] = [];
  const fields: CopyField[] = [];
  const length = text.length;
  // The next backslash at or after the line's start: most lines hold none.
  let backslash = text.indexOf("\\");
  let start = 0;
  while (start <= length) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = length;
    if (backslash !== -1 && backslash < start) backslash = text.indexOf("\\", start);
    const escaped = backslash !== -1 && backslash < end;
    let count = 0;
    let from = start;
    for (;;) {
      let to = text.indexOf("\t", from);
      if (to < 0 || to > end) to = end;
      const raw = text.slice(from, to);
      fields[count++] = escaped && raw.includes("\\") ? copyField(raw) : raw;
      if (to === end) break;
      from = to + 1;
    }
    if (fields.length !== count) fields.length = count;
    rows.push(toRow(fields));
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

/** Digits `from`..`to` of `text` as a number; NaN if one is not a digit. */
const digitsAt = (text: string, from: number, to: number): number => {
  let n = 0;
  for (let i = from; i < to; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return Number.NaN;
    n = n * 10 + digit;
  }
  return n;
};

/** Milliseconds of a fraction's digits, cut (not rounded) as a JS Date would hold them. */
const millisOf = (fraction: string): number => Number(`${fraction}00`.slice(0, 3));

/**
 * The instant of a {@link utcTimestampSql} field. The common shape (a 4-digit year from 100
 * on) is read by character codes, a few tens of nanoseconds a row; any other the server can
 * print goes through {@link UTC_TIMESTAMP}. `infinity` gives an invalid Date, as a
 * timestamp read by the driver would; text of another DateStyle is refused.
 */
export const instantOfUtcText = (text: string): Date => {
  const n = text.length;
  if (
    (n === 19 || (n >= 21 && n <= 26 && text.charCodeAt(19) === 46)) &&
    text.charCodeAt(4) === 45 &&
    text.charCodeAt(7) === 45 &&
    text.charCodeAt(10) === 32 &&
    text.charCodeAt(13) === 58 &&
    text.charCodeAt(16) === 58
  ) {
    const year = digitsAt(text, 0, 4);
    const millis =
      n === 19 ? 0 : digitsAt(text, 20, Math.min(n, 23)) * 10 ** (23 - Math.min(n, 23));
    const fractionOk = n === 19 || !Number.isNaN(digitsAt(text, 20, n));
    // Date.UTC reads years 0–99 as 1900–1999: those take the general path.
    if (year >= 100 && fractionOk) {
      const t = Date.UTC(
        year,
        digitsAt(text, 5, 7) - 1,
        digitsAt(text, 8, 10),
        digitsAt(text, 11, 13),
        digitsAt(text, 14, 16),
        digitsAt(text, 17, 19),
        millis,
      );
      if (!Number.isNaN(t)) return new Date(t);
    }
  }
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
 * Streams `COPY (<select>) TO STDOUT` as batches of parsed rows, one batch per chunk the
 * socket delivers. Nothing runs until the first batch is asked for. A consumer that stops
 * early closes the connection (a COPY can not be left half-read on a pooled connection).
 */
export async function* copyBatches<Row>(
  pool: pg.Pool,
  selectText: string,
  toRow: (fields: readonly CopyField[]) => Row,
  options: CopyOptions = {},
): AsyncGenerator<readonly Row[]> {
  const stallTimeoutMs = options.stallTimeoutMs ?? COPY_STALL_TIMEOUT_MS;
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
    const stream = client.query(copyTo(`COPY (${selectText}) TO STDOUT`));
    const decoder = new TextDecoder("utf-8");
    let text = "";
    for await (const chunk of stream) {
      text += decoder.decode(chunk as Buffer, { stream: true });
      // Whatever else has already arrived joins this batch: fewer, larger batches.
      if (stream.readableLength > 0 && text.length < COALESCE_CHARS) continue;
      const end = text.lastIndexOf("\n");
      if (end < 0) continue;
      const rows = parseCopyText(text.slice(0, end), toRow);
      text = text.slice(end + 1);
      const timer = setTimeout(() => {
        stalled = true;
        stream.destroy();
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
    if (stalled) throw new CopyStalled(stallTimeoutMs);
    // Every text row ends with a newline: bytes left over mean the stream was cut.
    if (text + decoder.decode() !== "") throw new Error("COPY output ended inside a row");
    finished = true;
  } finally {
    // Only a statement read to its end leaves the connection fit to be reused.
    release(finished ? undefined : new Error("COPY export stopped before its end"));
  }
}
