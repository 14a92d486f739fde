import { fc, test } from "@fast-check/vitest";
import { Either } from "effect";
import { describe, expect } from "vitest";
import { encodeCsvField } from "../../src/csv/csv-encoding.js";
import {
  calendarDateInZone,
  decideReportWindow,
  formatInstantInZone,
} from "../../src/rules/report-window.js";

const DAY = 86_400_000;

// Zones with no skipped calendar day since 1970: their every date has a first instant.
const ZONES = [
  "UTC",
  "Asia/Taipei",
  "America/New_York",
  "Europe/London",
  "Europe/Dublin", // negative DST in winter
  "Australia/Sydney",
  "Australia/Lord_Howe", // 30-minute DST
  "Asia/Kolkata", // +5:30
  "Asia/Kathmandu", // +5:45
  "Pacific/Chatham", // +12:45 with DST
  "America/St_Johns", // −3:30 with DST
  "America/Santiago", // DST jumps at midnight
  "America/Havana", // falls back from 01:00 to 00:00
  "Asia/Tehran", // +3:30, DST until 2022
  "Pacific/Pago_Pago", // −11
  "Africa/Casablanca", // DST suspended each Ramadan
] as const;

// Zones that skipped a whole calendar day (Kiritimati 1994-12-31, Apia 2011-12-30).
const DAY_SKIPPING_ZONES = ["Pacific/Kiritimati", "Pacific/Apia"] as const;

const startDate = fc
  .date({
    min: new Date("1970-01-01T00:00:00Z"),
    max: new Date("2100-12-31T00:00:00Z"),
    noInvalidDate: true,
  })
  .map((d) => d.toISOString().slice(0, 10));

const plusDays = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);

describe("R1 a report covers at most 30 calendar days in the team's time zone, both ends included", () => {
  test.prop([fc.constantFrom(...ZONES), startDate, fc.integer({ min: 1, max: 60 })])(
    "accepted iff 1..30 days; the instants are the first of `from` and of the day after `to`",
    (timeZone, from, length) => {
      const to = plusDays(from, length - 1);
      const decision = decideReportWindow({ from, to, timeZone });
      expect(Either.isRight(decision)).toBe(length <= 30);
      if (Either.isLeft(decision)) {
        expect(decision.left).toMatchObject({ code: "REPORT_RANGE_TOO_LONG", days: length });
        return;
      }
      const { startsAt, endsBefore, days } = decision.right;
      expect(days).toBe(length);
      expect(startsAt.getTime()).toBeLessThan(endsBefore.getTime());
      expect(calendarDateInZone(startsAt, timeZone)).toBe(from);
      expect(calendarDateInZone(new Date(startsAt.getTime() - 1), timeZone)).not.toBe(from);
      expect(calendarDateInZone(new Date(endsBefore.getTime() - 1), timeZone)).toBe(to);
      expect(calendarDateInZone(endsBefore, timeZone)).toBe(plusDays(to, 1));
    },
  );

  test.prop([fc.constantFrom(...ZONES), startDate, fc.integer({ min: 1, max: 60 })])(
    "an inverted range is rejected whatever its length",
    (timeZone, to, length) => {
      const from = plusDays(to, length);
      const decision = decideReportWindow({ from, to, timeZone });
      expect(Either.isLeft(decision) && decision.left.code).toBe("REPORT_RANGE_INVERTED");
    },
  );

  test.prop([
    fc.constantFrom(...ZONES, ...DAY_SKIPPING_ZONES),
    startDate,
    fc.integer({ min: 1, max: 30 }),
  ])(
    "consecutive windows tile time: no instant is in two of them or in none",
    (timeZone, from, length) => {
      const to = plusDays(from, length - 1);
      const next = plusDays(to, 1);
      const first = decideReportWindow({ from, to, timeZone });
      const second = decideReportWindow({ from: next, to: next, timeZone });
      if (Either.isLeft(first) || Either.isLeft(second)) throw new Error("both windows are valid");
      expect(second.right.startsAt.getTime()).toBe(first.right.endsBefore.getTime());
      // Every instant of the window lies on a date in from..to (read as text, ISO dates sort).
      for (const at of [first.right.startsAt, new Date(first.right.endsBefore.getTime() - 1)]) {
        if (first.right.startsAt.getTime() === first.right.endsBefore.getTime()) break;
        const date = calendarDateInZone(at, timeZone);
        expect(date >= from && date <= to).toBe(true);
      }
    },
  );
});

// The export path remembers each clock hour's offset instead of asking Intl per row; these
// check it against Intl asked directly, for every zone the runtime knows.
const ALL_ZONES = Intl.supportedValuesOf("timeZone");

const intlFormatters = new Map<string, Intl.DateTimeFormat>();
const intlWallClock = (at: Date, timeZone: string): string => {
  const formatter =
    intlFormatters.get(timeZone) ??
    new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
  intlFormatters.set(timeZone, formatter);
  const parts = formatter.formatToParts(at);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return `${part("year").padStart(4, "0")}-${part("month")}-${part("day")} ${part("hour")}:${part("minute")}:${part("second")}`;
};

/** Instants around every offset change of `timeZone` in 1900–2100, found by bisection. */
const transitionsOf = (timeZone: string): number[] => {
  const offset = (t: number) =>
    Date.parse(`${intlWallClock(new Date(t), timeZone).replace(" ", "T")}Z`) -
    Math.floor(t / 1000) * 1000;
  const found: number[] = [];
  const step = 7 * DAY;
  for (let t = Date.UTC(1900, 0, 1); t < Date.UTC(2100, 0, 1); t += step) {
    if (offset(t) === offset(t + step)) continue;
    let [lo, hi] = [t, t + step];
    while (hi - lo > 1000) {
      const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
      if (offset(mid) === offset(t)) lo = mid;
      else hi = mid;
    }
    found.push(hi);
  }
  return found;
};

describe("X5 export times are the team's wall clock, exactly as Intl reads it", () => {
  test.prop(
    [
      fc.constantFrom(...ALL_ZONES),
      fc.date({
        min: new Date("1000-01-02T00:00:00Z"),
        max: new Date("9999-12-30T00:00:00Z"),
        noInvalidDate: true,
      }),
    ],
    { numRuns: 2_000 },
  )("any zone, any instant of years 1000–9999", (timeZone, at) => {
    expect(formatInstantInZone(at, timeZone)).toBe(intlWallClock(at, timeZone));
  });

  // The exports write the time cell without encodeCsvField: it must never need R4's guard,
  // quotes or any other change, for any instant a Date can hold (but the last day at each end).
  test.prop(
    [
      fc.constantFrom(...ALL_ZONES),
      fc.oneof(
        // Every Date but the last day at either end of its range.
        fc.date({
          min: new Date(-8.64e15 + DAY),
          max: new Date(8.64e15 - DAY),
          noInvalidDate: true,
        }),
        fc.date({
          min: new Date("1000-01-02T00:00:00Z"),
          max: new Date("9999-12-30T00:00:00Z"),
          noInvalidDate: true,
        }),
      ),
    ],
    { numRuns: 1_000 },
  )(
    "a time cell is digits and separators only: R4 has nothing to guard or quote",
    (timeZone, at) => {
      const text = formatInstantInZone(at, timeZone);
      expect(text).toMatch(/^\d{4,}-\d\d-\d\d \d\d:\d\d:\d\d$/);
      expect(encodeCsvField(text)).toBe(text);
    },
  );

  // An export formats rows in time order and keeps the last local minute's text: rows of one
  // minute, zones taken by turns and steps back in time must all still read as Intl does.
  test.prop(
    [
      fc.constantFrom(...ALL_ZONES),
      fc.constantFrom(...ALL_ZONES),
      fc.date({
        min: new Date("1900-01-02T00:00:00Z"),
        max: new Date("2100-12-30T00:00:00Z"),
        noInvalidDate: true,
      }),
      fc.array(fc.integer({ min: -90_000, max: 90_000 }), { minLength: 1, maxLength: 40 }),
    ],
    { numRuns: 500 },
  )("runs of nearby instants, two zones by turns", (first, second, start, steps) => {
    let t = start.getTime();
    steps.forEach((step, i) => {
      t += step;
      const timeZone = i % 3 === 2 ? second : first;
      const at = new Date(t);
      expect(formatInstantInZone(at, timeZone), `${at.toISOString()} ${timeZone}`).toBe(
        intlWallClock(at, timeZone),
      );
    });
  });

  test.each([...ZONES, ...DAY_SKIPPING_ZONES, "Africa/Monrovia", "Europe/Amsterdam"])(
    "%s: every second around each offset change of 1900–2100",
    (timeZone) => {
      for (const change of transitionsOf(timeZone)) {
        for (const delta of [-3_600_000, -1001, -1000, -1, 0, 1, 999, 1000, 3_599_999]) {
          const at = new Date(change + delta);
          expect(formatInstantInZone(at, timeZone), at.toISOString()).toBe(
            intlWallClock(at, timeZone),
          );
        }
      }
    },
  );
});
