/**
 * Reading instants on a zone's clock with Intl (the runtime's tz database): the pure pieces the
 * report window (R1) and the exports' times (X5) are built from. Nothing here keeps state but
 * the memo of Intl formatters ({@link zoneFormatter}).
 */

const HOUR_MS = 3_600_000;

/** A local date and time, as a zone's clock shows it. */
export interface WallClock {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

/**
 * Formatters by zone name. A memo of immutable values, not state: every answer is the same
 * with or without it, and at most one entry exists per name in the tz database. It stays
 * because building an Intl formatter costs 15–20 times a reading with one (≈ 300 µs against
 * 17 µs, measured on the shared 2-core machine), and the rules read a zone's clock thousands
 * of times. Export-time caches (hours, offsets, the last minute's text) are per export, in
 * csv/export-clock.ts.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * The formatter reading instants in `timeZone`, or undefined when the zone is not an IANA
 * name. Intl reads the runtime's tz database directly. Not @date-fns/tz: its offset parser
 * drops the sign of offsets between −1h and 0 (Africa/Monrovia was −0:44:30 until 1972).
 */
export function zoneFormatter(timeZone: string): Intl.DateTimeFormat | undefined {
  if (timeZone === "" || /^[+-]/.test(timeZone)) return undefined;
  const known = formatters.get(timeZone);
  if (known !== undefined) return known;
  try {
    const formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timeZone, formatter);
    return formatter;
  } catch {
    return undefined;
  }
}

/** The wall clock of instant `t` (epoch ms) as `formatter`'s zone shows it. */
export function wallClockIn(formatter: Intl.DateTimeFormat, t: number): WallClock {
  // A garbage date would otherwise print "NaN-NaN-NaN" into a file.
  if (!Number.isFinite(t)) {
    throw new RangeError(
      `Can not read instant ${t} in time zone "${formatter.resolvedOptions().timeZone}".`,
    );
  }
  const fields = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const part of formatter.formatToParts(t)) {
    if (part.type in fields) fields[part.type as keyof WallClock] = Number(part.value);
  }
  return fields;
}

/**
 * The zone's UTC offset (ms) that holds for the whole clock hour `hour` (hours since 1970), or
 * null when the hour holds a transition. Read at the hour's first and last whole second: no
 * zone changes its offset twice within one hour, so equal readings mean no change between.
 */
export function hourOffsetIn(formatter: Intl.DateTimeFormat, hour: number): number | null {
  const first = hour * HOUR_MS;
  const last = first + HOUR_MS - 1000;
  const atFirst = wallClockAsUtc(formatter, first) - first;
  const atLast = wallClockAsUtc(formatter, last) - last;
  return atFirst === atLast ? atFirst : null;
}

/** An offset (ms) as X5 writes it: `+08:00`, or `-00:44:30` when it has seconds. */
export function utcOffsetText(offset: number): string {
  const seconds = Math.abs(offset) / 1000;
  const [h, m, s] = [Math.floor(seconds / 3600), Math.floor(seconds / 60) % 60, seconds % 60];
  return `${offset < 0 ? "-" : "+"}${pad(h, 2)}:${pad(m, 2)}${s === 0 ? "" : `:${pad(s, 2)}`}`;
}

/** `YYYY-MM-DD HH:mm:ss`. */
export function wallClockText(c: WallClock): string {
  return `${dateText(c)} ${pad(c.hour, 2)}:${pad(c.minute, 2)}:${pad(c.second, 2)}`;
}

/** `YYYY-MM-DD`. */
export function dateText(c: WallClock): string {
  return `${pad(c.year, 4)}-${pad(c.month, 2)}-${pad(c.day, 2)}`;
}

/** `00` to `99`: the seconds of every exported time would otherwise be a new string each. */
const TWO_DIGITS: readonly string[] = Array.from({ length: 100 }, (_, n) =>
  String(n).padStart(2, "0"),
);

/** `n` in `width` digits, zero-padded (two digits come from a fixed table, no new string). */
export function pad(n: number, width: number): string {
  if (width === 2 && n >= 0 && n < 100) return TWO_DIGITS[n] as string;
  return String(n).padStart(width, "0");
}

/** The wall-clock time of instant `t` in `formatter`'s zone, read as if it were UTC (epoch ms). */
export function wallClockAsUtc(formatter: Intl.DateTimeFormat, t: number): number {
  const c = wallClockIn(formatter, t);
  return Date.UTC(c.year, c.month - 1, c.day, c.hour, c.minute, c.second);
}
