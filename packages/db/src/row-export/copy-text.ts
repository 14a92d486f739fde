import { type AnyColumn, type SQL, sql } from "drizzle-orm";
import type { ExportRow } from "./row-export.js";

/**
 * PostgreSQL's COPY text format, read into rows without a string per field: the server half of
 * the row export (copy-export.ts) hands each batch of whole lines here. Instants travel as
 * epoch seconds ({@link instantSql}), so no calendar is needed on this side; core formats them.
 */

/** A field of a COPY text row: null for `\N`, otherwise the text. */
export type CopyField = string | null;

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
export class CopyLine implements ExportRow {
  /** The batch's text; the current line's fields are offsets into it. */
  batch = "";
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
  text(i: number): CopyField {
    const from = this.bounds[2 * i] as number;
    const to = this.bounds[2 * i + 1] as number;
    const raw = this.batch.slice(from, to);
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
    if (last != null && to - from === last.length && this.batch.startsWith(last, from)) return last;
    const raw = this.batch.slice(from, to);
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
      if (value.length === length && this.batch.startsWith(value, from)) return value;
    }
    return this.text(i);
  }

  /** Field `i`, an {@link instantSql} value, as its instant. */
  instant(i: number): Date {
    const from = this.bounds[2 * i] as number;
    const to = this.bounds[2 * i + 1] as number;
    return instantOfEpochText(this.batch.slice(from, to));
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
  line.batch = text;
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
 * A `timestamptz` column as an export sends it: seconds since 1970 to the millisecond, the
 * server's own calendar arithmetic (`date_trunc` cuts the microseconds, as a JS Date would).
 * Cheaper on the server than printing a timestamp, and read here by `Number`.
 */
export const instantSql = (column: AnyColumn | SQL): SQL<string> =>
  sql<string>`date_part('epoch', date_trunc('milliseconds', ${column}))`;

/**
 * The instant of an {@link instantSql} field: `Math.round` undoes the binary fraction, exact
 * to the millisecond for ±2^41 s (years −67 000 to 71 000). `Infinity` (PostgreSQL's
 * `infinity`) gives an invalid Date, as the driver reads it; anything else but a number is refused.
 */
export const instantOfEpochText = (text: string): Date => {
  const seconds = Number(text);
  if (text === "" || Number.isNaN(seconds)) {
    throw new Error(
      `an export's instant came as ${JSON.stringify(text.slice(0, 40))}, not epoch seconds`,
    );
  }
  return new Date(Number.isFinite(seconds) ? Math.round(seconds * 1000) : Number.NaN);
};
