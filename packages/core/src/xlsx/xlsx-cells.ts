import { textElement } from "./xml-text.js";

/** SpreadsheetML's main namespace. */
export const SPREADSHEET_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
/** The declaration every part starts with. */
export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

/** Style indexes of xlsx-package.ts's styles part (`cellXfs`). */
export const XLSX_STYLE = { plain: 0, header: 1, dateTime: 2 } as const;

/** The number format of date-time cells: the same digits as the CSV's times. */
export const XLSX_DATE_TIME_FORMAT = "yyyy-mm-dd hh:mm:ss";

const DAY_MS = 86_400_000;
/** Days from the spreadsheet epoch (1899-12-30, the 1900 system) to 1970-01-01. */
const EPOCH_SERIAL = 25_569;
/** 1900-03-01, the first day after the 1900 system's phantom 29 February. */
const FIRST_SAFE_SERIAL = 61;

/** An empty cell: written, not skipped, because cells carry no reference and count by position. */
export const EMPTY_CELL = "<c/>";

/** A text cell (an inline string): shown as written, never run as a formula, no `'` needed. */
export function stringCell(text: string | null): string {
  if (text === null) return EMPTY_CELL;
  return `<c t="inlineStr"><is>${textElement(text)}</is></c>`;
}

/**
 * One export's shared-string table (`xl/sharedStrings.xml`), bounded: each column whose values
 * repeat (a sender type, a channel, a member's name, an offset) puts its first `limit` distinct
 * values in the table and writes them as `<c t="s"><v>n</v></c>`, a reference half the size of
 * an inline string; later new values stay inline strings. So the table holds at most the
 * columns' limits together, whatever the row count, and is written after the sheet (see
 * {@link SharedStrings.xml}). Text in the table is text as in an inline string: never a formula.
 */
export class SharedStrings {
  /** The table's `<si>` elements, in index order. */
  private readonly items: string[] = [];
  /** A value's cell, shared by the columns that met it. */
  private readonly cells = new Map<string, string>();

  /** The cells of one column: its first `limit` distinct values from the table. */
  column(limit = 64): (text: string | null) => string {
    let added = 0;
    return (text) => {
      if (text === null) return EMPTY_CELL;
      const known = this.cells.get(text);
      if (known !== undefined) return known;
      if (added >= limit) return stringCell(text);
      added++;
      const cell = `<c t="s"><v>${this.items.length}</v></c>`;
      this.items.push(`<si>${textElement(text)}</si>`);
      this.cells.set(text, cell);
      return cell;
    };
  }

  /** The number of values in the table so far. */
  get size(): number {
    return this.items.length;
  }

  /** The part's XML: complete only once every row was written. */
  xml(): string {
    return `${XML_DECLARATION}<sst xmlns="${SPREADSHEET_MAIN}" uniqueCount="${this.items.length}">${this.items.join("")}</sst>`;
  }
}

/** A bold header cell. */
export function headerCell(text: string): string {
  return `<c t="inlineStr" s="${XLSX_STYLE.header}"><is>${textElement(text)}</is></c>`;
}

/** A number cell (our own counts). */
export function numberCell(value: number): string {
  return Number.isFinite(value) ? `<c><v>${value}</v></c>` : EMPTY_CELL;
}

/**
 * The spreadsheet serial of a wall-clock time given as the milliseconds of a UTC date showing
 * that wall time (days since 1899-12-30, the fraction the time of day); null before 1900-03-01,
 * which the 1900 date system counts wrongly.
 */
export function dateTimeSerial(wallClockMs: number): number | null {
  const serial = wallClockMs / DAY_MS + EPOCH_SERIAL;
  return Number.isFinite(serial) && serial >= FIRST_SAFE_SERIAL ? serial : null;
}

/**
 * From this serial (1922-06-05) up, a serial's unit in the last place is at least 2⁻³⁹ (1.8e-12):
 * twelve decimals, rounded to within 0.51e-12, then always read back as the same number.
 */
const TWELVE_DECIMALS_FROM = 8192;

/** "000" to "999": a serial's twelve decimals are written as four of these. */
const THREE_DIGITS = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, "0"));

/**
 * Writes serials as text, for one export: the same number as `String(serial)` — a reader parses
 * it back to the identical double — at a quarter of the cost (printing a fraction's shortest
 * digits is the dearest step of a row). From 1922 the day's `NNNNN.` is kept while the day
 * lasts, and the fraction is written as twelve decimals (see {@link TWELVE_DECIMALS_FROM}); a
 * fraction ending in 0 (a whole minute, noon) or an earlier day goes to `String`, so no text
 * carries a trailing zero.
 */
export const serialTexts = (): ((serial: number) => string) => {
  let lastDay = Number.NaN;
  let lastDayText = "";
  return (serial) => {
    if (!(serial >= TWELVE_DECIMALS_FROM)) return String(serial);
    const day = Math.floor(serial);
    // Exact: a double minus its own integer part loses no bits.
    const units = Math.round((serial - day) * 1e12);
    if (units % 10 === 0) return String(serial);
    if (day !== lastDay) {
      lastDay = day;
      lastDayText = `${day}.`;
    }
    const a = Math.floor(units / 1e9);
    const b = Math.floor(units / 1e6) - a * 1e3;
    const c = Math.floor(units / 1e3) - Math.floor(units / 1e6) * 1e3;
    const d = units - Math.floor(units / 1e3) * 1e3;
    return `${lastDayText}${THREE_DIGITS[a]}${THREE_DIGITS[b]}${THREE_DIGITS[c]}${THREE_DIGITS[d]}`;
  };
};

/**
 * Date-time cells for one export: a cell shows `wallClockMs` (a team-local wall time, see
 * {@link dateTimeSerial}) as `yyyy-mm-dd hh:mm:ss`; a time the 1900 date system can not hold is
 * written as `text` instead.
 */
export const dateTimeCells = (): ((wallClockMs: number, text: () => string) => string) => {
  const serialText = serialTexts();
  return (wallClockMs, text) => {
    const serial = dateTimeSerial(wallClockMs);
    return serial === null
      ? stringCell(text())
      : `<c s="${XLSX_STYLE.dateTime}"><v>${serialText(serial)}</v></c>`;
  };
};
