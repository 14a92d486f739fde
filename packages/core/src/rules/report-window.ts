import { Either } from "effect";
import {
  type FieldIssue,
  ReportRangeInverted,
  ReportRangeTooLong,
  ValidationFailed,
} from "../domain/errors.js";

/** R1: the longest report range, in calendar days, both ends included. */
export const MAX_REPORT_DAYS = 30;

/** What a member asks for: two calendar dates (`YYYY-MM-DD`) in the team's IANA time zone. */
export interface ReportWindowInput {
  readonly from: string;
  readonly to: string;
  readonly timeZone: string;
}

/** An accepted report range (R1, X5): calendar dates plus the half-open instant range they cover. */
export interface ReportWindow {
  /** First calendar day, `YYYY-MM-DD`. */
  readonly from: string;
  /** Last calendar day, `YYYY-MM-DD`, included. */
  readonly to: string;
  /** The team's IANA time zone the dates are read in. */
  readonly timeZone: string;
  /** Calendar days covered, both ends included (1 for `from === to`). */
  readonly days: number;
  /** The first instant of `from` in the zone (its midnight, or the first instant after a gap). */
  readonly startsAt: Date;
  /** The first instant of the day after `to`: the window is `startsAt <= t < endsBefore`. */
  readonly endsBefore: Date;
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Decides R1: validates the dates and zone, refuses inverted or over-long ranges, never cuts short. */
export function decideReportWindow(
  input: ReportWindowInput,
  maxDays: number = MAX_REPORT_DAYS,
): Either.Either<ReportWindow, ReportRangeTooLong | ReportRangeInverted | ValidationFailed> {
  const fromDay = parseCalendarDate(input.from);
  const toDay = parseCalendarDate(input.to);
  const issues: FieldIssue[] = [];
  if (fromDay === undefined) issues.push({ field: "from", message: dateMessage(input.from) });
  if (toDay === undefined) issues.push({ field: "to", message: dateMessage(input.to) });
  if (!isIanaTimeZone(input.timeZone)) {
    issues.push({ field: "timeZone", message: "must be an IANA time zone name, e.g. Asia/Taipei" });
  }
  // Every bad field at once, so the caller fixes the input in one round trip (X4).
  if (fromDay === undefined || toDay === undefined || issues.length > 0) {
    return Either.left(ValidationFailed.of(issues));
  }
  if (fromDay > toDay) return Either.left(ReportRangeInverted.of(input.from, input.to));
  const days = (toDay - fromDay) / DAY_MS + 1;
  if (days > maxDays) return Either.left(ReportRangeTooLong.of(days, maxDays));
  return Either.right({
    from: input.from,
    to: input.to,
    timeZone: input.timeZone,
    days,
    startsAt: new Date(startOfDayInZone(fromDay, input.timeZone)),
    endsBefore: new Date(startOfDayInZone(toDay + DAY_MS, input.timeZone)),
  });
}

/** True when the runtime knows `timeZone` as an IANA zone name (offsets like `+08:00` are not names). */
export function isIanaTimeZone(timeZone: string): boolean {
  return formatterFor(timeZone) !== undefined;
}

/** The wall-clock time of `at` in `timeZone` as `YYYY-MM-DD HH:mm:ss` (X5: times written into exports). */
export function formatInstantInZone(at: Date, timeZone: string): string {
  const t = at.getTime();
  // Exports format rows in time order, so consecutive rows mostly share their local minute:
  // its `YYYY-MM-DD HH:mm:` is kept, and only the seconds are written. The text depends on the
  // local time alone, so one local minute has one text whatever the zone or offset.
  const offset = Number.isFinite(t) ? hourOffset(t, timeZone) : null;
  if (offset !== null) {
    const local = t + offset;
    const minute = Math.floor(local / MINUTE_MS);
    if (minute === lastMinute.minute) {
      return lastMinute.prefix + pad(Math.floor((local - minute * MINUTE_MS) / 1000), 2);
    }
  }
  const c = cachedWallClock(t, timeZone);
  const prefix = `${dateText(c)} ${pad(c.hour, 2)}:${pad(c.minute, 2)}:`;
  if (offset !== null && c.year >= 1000 && c.year <= 9999) {
    lastMinute = { minute: Math.floor((t + offset) / MINUTE_MS), prefix };
  }
  return prefix + pad(c.second, 2);
}

const MINUTE_MS = 60_000;

/**
 * X5: the zone's UTC offset at `at` as `+08:00` (`-00:44:30` when the zone had seconds), written
 * beside an export's wall-clock time so the hour repeated by a fall-back is told apart. Hot (one
 * per exported row): the hour's cached offset, and one string per offset.
 */
export function formatUtcOffsetInZone(at: Date, timeZone: string): string {
  const t = at.getTime();
  const cached = Number.isFinite(t) ? hourOffset(t, timeZone) : null;
  const offset = cached ?? wallClockAsUtc(t, timeZone) - Math.floor(t / 1000) * 1000;
  if (offset === lastOffset.offset) return lastOffset.text;
  let text = offsetTexts.get(offset);
  if (text === undefined) {
    const seconds = Math.abs(offset) / 1000;
    const [h, m, s] = [Math.floor(seconds / 3600), Math.floor(seconds / 60) % 60, seconds % 60];
    text = `${offset < 0 ? "-" : "+"}${pad(h, 2)}:${pad(m, 2)}${s === 0 ? "" : `:${pad(s, 2)}`}`;
    offsetTexts.set(offset, text);
  }
  lastOffset = { offset, text };
  return text;
}

/** The offset {@link formatUtcOffsetInZone} wrote last: rows in time order share it. */
let lastOffset: { offset: number; text: string } = { offset: Number.NaN, text: "" };

/** Offset texts by offset (ms): a few dozen exist in the whole tz database. */
const offsetTexts = new Map<number, string>();

/** The local minute {@link formatInstantInZone} wrote last, and its text up to the seconds. */
let lastMinute: { minute: number; prefix: string } = { minute: Number.NaN, prefix: "" };

/** The calendar date (`YYYY-MM-DD`) that `at` falls on in `timeZone`. */
export function calendarDateInZone(at: Date, timeZone: string): string {
  return dateText(cachedWallClock(at.getTime(), timeZone));
}

interface WallClock {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * Intl reads the runtime's tz database directly. Not @date-fns/tz: its offset parser drops the
 * sign of offsets between −1h and 0 (Africa/Monrovia was −0:44:30 until 1972).
 */
function formatterFor(timeZone: string): Intl.DateTimeFormat | undefined {
  if (timeZone === "" || /^[+-]/.test(timeZone)) return undefined;
  const cached = formatters.get(timeZone);
  if (cached !== undefined) return cached;
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

function wallClock(t: number, timeZone: string): WallClock {
  const formatter = formatterFor(timeZone);
  // A garbage zone or date would otherwise print "NaN-NaN-NaN" into a file.
  if (formatter === undefined || !Number.isFinite(t)) {
    throw new RangeError(`Can not read instant ${t} in time zone "${timeZone}".`);
  }
  const fields = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const part of formatter.formatToParts(t)) {
    if (part.type in fields) fields[part.type as keyof WallClock] = Number(part.value);
  }
  return fields;
}

/** Hours remembered per zone; a report spans 30 days (720 hours), so this is generous. */
const MAX_CACHED_HOURS = 50_000;
const hourOffsets = new Map<string, Map<number, number | null>>();

/**
 * The zone's UTC offset (ms) that holds for the whole clock hour of `t`, or null when the hour
 * holds a transition. Read with Intl at the hour's first and last whole second and remembered:
 * no zone changes its offset twice within one hour, so equal readings mean no change between.
 */
function hourOffset(t: number, timeZone: string): number | null {
  const hour = Math.floor(t / HOUR_MS);
  // Rows in time order ask for the same hour again and again: the last answer comes first.
  if (hour === lastHour.hour && timeZone === lastHour.timeZone) return lastHour.offset;
  const offset = rememberedHourOffset(hour, timeZone);
  lastHour = { hour, timeZone, offset };
  return offset;
}

/** The last hour {@link hourOffset} answered. */
let lastHour: { hour: number; timeZone: string; offset: number | null } = {
  hour: Number.NaN,
  timeZone: "",
  offset: null,
};

function rememberedHourOffset(hour: number, timeZone: string): number | null {
  let zone = hourOffsets.get(timeZone);
  if (zone === undefined) {
    zone = new Map();
    hourOffsets.set(timeZone, zone);
  }
  const cached = zone.get(hour);
  if (cached !== undefined) return cached;
  const first = hour * HOUR_MS;
  const last = first + HOUR_MS - 1000;
  const atFirst = wallClockAsUtc(first, timeZone) - first;
  const atLast = wallClockAsUtc(last, timeZone) - last;
  const offset = atFirst === atLast ? atFirst : null;
  if (zone.size >= MAX_CACHED_HOURS) zone.clear();
  zone.set(hour, offset);
  return offset;
}

/**
 * {@link wallClock} without an Intl call per instant: an export formats hundreds of thousands of
 * times that share a few hundred clock hours. Hours holding a transition, and local years outside
 * 1000–9999, go to Intl itself.
 */
function cachedWallClock(t: number, timeZone: string): WallClock {
  if (!Number.isFinite(t)) return wallClock(t, timeZone);
  const offset = hourOffset(t, timeZone);
  if (offset === null) return wallClock(t, timeZone);
  const local = new Date(t + offset);
  const year = local.getUTCFullYear();
  if (year < 1000 || year > 9999) return wallClock(t, timeZone);
  return {
    year,
    month: local.getUTCMonth() + 1,
    day: local.getUTCDate(),
    hour: local.getUTCHours(),
    minute: local.getUTCMinutes(),
    second: local.getUTCSeconds(),
  };
}

function dateText(c: WallClock): string {
  return `${pad(c.year, 4)}-${pad(c.month, 2)}-${pad(c.day, 2)}`;
}

/** `00` to `99`: the seconds of every exported time would otherwise be a new string each. */
const TWO_DIGITS = Array.from({ length: 100 }, (_, n) => String(n).padStart(2, "0"));

function pad(n: number, width: number): string {
  if (width === 2 && n >= 0 && n < 100) return TWO_DIGITS[n] as string;
  return String(n).padStart(width, "0");
}

function dateMessage(text: string): string {
  return `must be a real calendar date written YYYY-MM-DD (years 1000–9999), got "${text}"`;
}

/** UTC midnight (epoch ms) of a strict `YYYY-MM-DD` that names a real Gregorian date. */
function parseCalendarDate(text: string): number | undefined {
  const match = DATE_PATTERN.exec(text);
  if (match === null) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  // Intl writes years before 1 CE with an era; nobody reports on the first millennium anyway.
  if (year < 1000) return undefined;
  const at = Date.UTC(year, month - 1, day);
  const back = new Date(at);
  const real =
    back.getUTCFullYear() === year && back.getUTCMonth() === month - 1 && back.getUTCDate() === day;
  return real ? at : undefined;
}

/** The wall-clock time of instant `t` in `timeZone`, read as if it were UTC (epoch ms). */
function wallClockAsUtc(t: number, timeZone: string): number {
  const c = wallClock(t, timeZone);
  return Date.UTC(c.year, c.month - 1, c.day, c.hour, c.minute, c.second);
}

/**
 * The first instant whose wall-clock date in `timeZone` is `day` or later. That is local midnight
 * on ordinary days; when midnight falls in a DST gap (America/Santiago) it is the instant the
 * clocks jump, and for a day a zone skipped (Pacific/Kiritimati 1994-12-31) it is the start of
 * the next day, so the windows of consecutive dates still tile time without holes or overlaps.
 */
function startOfDayInZone(day: number, timeZone: string): number {
  const onOrAfter = (t: number) => wallClockAsUtc(t, timeZone) >= day;
  const offsetAt = (t: number) => wallClockAsUtc(t, timeZone) - Math.floor(t / 1000) * 1000;
  // Fast path: midnight minus the zone's offset, re-read once at the guess to cross a transition.
  const guess = day - offsetAt(day - offsetAt(day));
  if (onOrAfter(guess) && !onOrAfter(guess - 1)) return guess;
  // Gaps at midnight and skipped days: bisect over a range wider than any UTC offset (−12h…+14h).
  let before = day - 26 * HOUR_MS;
  let after = day + 26 * HOUR_MS;
  while (after - before > 1) {
    const mid = Math.floor((before + after) / 2);
    if (onOrAfter(mid)) after = mid;
    else before = mid;
  }
  return after;
}
