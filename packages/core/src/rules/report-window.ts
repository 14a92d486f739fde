import { Either } from "effect";
import {
  type FieldIssue,
  ReportRangeInverted,
  ReportRangeTooLong,
  ValidationFailed,
} from "../domain/errors.js";
import {
  dateText,
  utcOffsetText,
  wallClockAsUtc,
  wallClockIn,
  wallClockText,
  zoneFormatter,
} from "./zone-clock.js";

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
  const formatter = zoneFormatter(input.timeZone);
  if (formatter === undefined) {
    issues.push({ field: "timeZone", message: "must be an IANA time zone name, e.g. Asia/Taipei" });
  }
  // Every bad field at once, so the caller fixes the input in one round trip (X4).
  if (
    fromDay === undefined ||
    toDay === undefined ||
    formatter === undefined ||
    issues.length > 0
  ) {
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
    startsAt: new Date(startOfDayInZone(fromDay, formatter)),
    endsBefore: new Date(startOfDayInZone(toDay + DAY_MS, formatter)),
  });
}

/** True when the runtime knows `timeZone` as an IANA zone name (offsets like `+08:00` are not names). */
export function isIanaTimeZone(timeZone: string): boolean {
  return zoneFormatter(timeZone) !== undefined;
}

/** The wall-clock time of `at` in `timeZone` as `YYYY-MM-DD HH:mm:ss` (X5: times written into exports). */
export function formatInstantInZone(at: Date, timeZone: string): string {
  return wallClockText(wallClockIn(checkedFormatter(timeZone), at.getTime()));
}

/**
 * X5: the zone's UTC offset at `at` as `+08:00` (`-00:44:30` when the zone had seconds), written
 * beside an export's wall-clock time so the hour repeated by a fall-back is told apart.
 */
export function formatUtcOffsetInZone(at: Date, timeZone: string): string {
  const t = at.getTime();
  return utcOffsetText(wallClockAsUtc(checkedFormatter(timeZone), t) - Math.floor(t / 1000) * 1000);
}

/** The calendar date (`YYYY-MM-DD`) that `at` falls on in `timeZone`. */
export function calendarDateInZone(at: Date, timeZone: string): string {
  return dateText(wallClockIn(checkedFormatter(timeZone), at.getTime()));
}

/** {@link zoneFormatter}, refusing a zone that is not one. */
function checkedFormatter(timeZone: string): Intl.DateTimeFormat {
  const formatter = zoneFormatter(timeZone);
  if (formatter === undefined) throw new RangeError(`"${timeZone}" is not an IANA time zone.`);
  return formatter;
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

/**
 * The first instant whose wall-clock date in `timeZone` is `day` or later. That is local midnight
 * on ordinary days; when midnight falls in a DST gap (America/Santiago) it is the instant the
 * clocks jump, and for a day a zone skipped (Pacific/Kiritimati 1994-12-31) it is the start of
 * the next day, so the windows of consecutive dates still tile time without holes or overlaps.
 */
function startOfDayInZone(day: number, formatter: Intl.DateTimeFormat): number {
  const onOrAfter = (t: number) => wallClockAsUtc(formatter, t) >= day;
  const offsetAt = (t: number) => wallClockAsUtc(formatter, t) - Math.floor(t / 1000) * 1000;
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
