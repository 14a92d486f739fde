import { Either } from "effect";
import { describe, expect, it } from "vitest";
import { DEFAULT_TIME_ZONE } from "../../src/domain/vocabulary.js";
import {
  calendarDateInZone,
  decideReportWindow,
  formatInstantInZone,
  isIanaTimeZone,
  type ReportWindow,
} from "../../src/rules/report-window.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function accepted(from: string, to: string, timeZone = DEFAULT_TIME_ZONE): ReportWindow {
  const decision = decideReportWindow({ from, to, timeZone });
  if (Either.isLeft(decision)) throw new Error(`expected a window, got ${decision.left.message}`);
  return decision.right;
}

function rejected(from: string, to: string, timeZone = DEFAULT_TIME_ZONE) {
  const decision = decideReportWindow({ from, to, timeZone });
  if (Either.isRight(decision)) throw new Error(`expected a refusal, got ${from}..${to}`);
  return decision.left;
}

describe("R1 a report covers at most 30 calendar days in the team's time zone, both ends included", () => {
  it.each(["Asia/Taipei", "America/New_York", "Pacific/Apia"])(
    "from every start date of 2024 in %s, the 30th day is the last one accepted",
    (timeZone) => {
      const plusDays = (date: string, days: number) =>
        new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
      for (let from = "2024-01-01"; from < "2025-01-01"; from = plusDays(from, 1)) {
        expect(accepted(from, plusDays(from, 29), timeZone).days).toBe(30);
        expect(rejected(from, plusDays(from, 30), timeZone)).toMatchObject({
          code: "REPORT_RANGE_TOO_LONG",
          days: 31,
          maxDays: 30,
        });
      }
    },
  );

  it.each([
    ["one day", "2025-03-10", "2025-03-10", 1],
    ["two days", "2025-03-10", "2025-03-11", 2],
    ["exactly 30 days", "2025-03-01", "2025-03-30", 30],
    ["30 days across a month end", "2025-01-17", "2025-02-15", 30],
    ["30 days across a leap day", "2024-02-15", "2024-03-15", 30],
    ["30 days across a year end", "2024-12-15", "2025-01-13", 30],
  ])("%s is accepted (%s..%s → %i days)", (_, from, to, days) => {
    const window = accepted(from, to);
    expect(window).toMatchObject({ from, to, days, timeZone: DEFAULT_TIME_ZONE });
  });

  it.each([
    ["31 days", "2025-03-01", "2025-03-31", 31],
    ["31 days across a leap day", "2024-02-14", "2024-03-15", 31],
    ["a whole year", "2024-01-01", "2024-12-31", 366],
  ])("%s is rejected, never cut short (%s..%s → %i days)", (_, from, to, days) => {
    const error = rejected(from, to);
    expect(error).toMatchObject({ code: "REPORT_RANGE_TOO_LONG", days, maxDays: 30, field: "to" });
  });

  it("a smaller limit is honoured (maxDays argument)", () => {
    const decision = decideReportWindow(
      { from: "2025-03-01", to: "2025-03-08", timeZone: "UTC" },
      7,
    );
    expect(Either.isLeft(decision) && decision.left.code).toBe("REPORT_RANGE_TOO_LONG");
  });

  it.each([
    ["one day back", "2025-03-11", "2025-03-10"],
    ["a year back", "2026-01-01", "2025-01-01"],
  ])("a start after the end is rejected (%s)", (_, from, to) => {
    expect(rejected(from, to)).toMatchObject({ code: "REPORT_RANGE_INVERTED", from, to });
  });

  it.each([
    ["from", "2025-02-30", "2025-03-01"],
    ["from", "2025-02-29", "2025-03-01"],
    ["from", "2025-13-01", "2025-12-31"],
    ["from", "2025-00-10", "2025-01-10"],
    ["from", "2025-1-5", "2025-01-10"],
    ["from", "2025-01-05T00:00", "2025-01-10"],
    ["from", " 2025-01-05", "2025-01-10"],
    ["from", "", "2025-01-10"],
    ["from", "0999-12-31", "2025-01-10"],
    ["to", "2025-04-01", "2025-04-31"],
    ["to", "2025-04-01", "2025/04/02"],
    ["to", "2025-04-01", "20250402"],
    ["to", "2025-04-01", "2025-04-02Z"],
  ])("a %s that is not a real YYYY-MM-DD date is rejected (%s..%s)", (field, from, to) => {
    const error = rejected(from, to);
    expect(error.code).toBe("VALIDATION_FAILED");
    expect(error._tag === "ValidationFailed" && error.issues.map((i) => i.field)).toEqual([field]);
  });

  it("a leap day is a real date in a leap year", () => {
    expect(accepted("2024-02-29", "2024-02-29").days).toBe(1);
  });

  it.each(["Asia/Tapei", "Mars/Olympus", "", "+08:00", "GMT+8 ", "Asia/Taipei/"])(
    "an unknown time zone %j is rejected naming timeZone",
    (timeZone) => {
      const error = rejected("2025-01-01", "2025-01-02", timeZone);
      expect(error._tag === "ValidationFailed" && error.issues.map((i) => i.field)).toEqual([
        "timeZone",
      ]);
    },
  );

  it("every bad field is named at once", () => {
    const error = rejected("2025-02-30", "nope", "Nowhere/Land");
    expect(error._tag === "ValidationFailed" && error.issues.map((i) => i.field)).toEqual([
      "from",
      "to",
      "timeZone",
    ]);
  });

  it("isIanaTimeZone knows real names and refuses offsets", () => {
    expect([
      isIanaTimeZone("Asia/Taipei"),
      isIanaTimeZone("UTC"),
      isIanaTimeZone("+08:00"),
    ]).toEqual([true, true, false]);
  });
});

describe("R1 + X5 the window's instants are the team's local midnights, also across DST changes", () => {
  it.each([
    // zone, from, to, startsAt, endsBefore
    ["Asia/Taipei", "2025-01-01", "2025-01-01", "2024-12-31T16:00:00Z", "2025-01-01T16:00:00Z"],
    ["Asia/Taipei", "2025-01-01", "2025-01-30", "2024-12-31T16:00:00Z", "2025-01-30T16:00:00Z"],
    ["UTC", "2025-06-01", "2025-06-30", "2025-06-01T00:00:00Z", "2025-07-01T00:00:00Z"],
    // US spring forward 2025-03-09 02:00 EST → 03:00 EDT
    [
      "America/New_York",
      "2025-03-09",
      "2025-03-09",
      "2025-03-09T05:00:00Z",
      "2025-03-10T04:00:00Z",
    ],
    // US fall back 2025-11-02 02:00 EDT → 01:00 EST
    [
      "America/New_York",
      "2025-11-02",
      "2025-11-02",
      "2025-11-02T04:00:00Z",
      "2025-11-03T05:00:00Z",
    ],
    // UK spring forward 2025-03-30 01:00 GMT → 02:00 BST, fall back 2025-10-26
    ["Europe/London", "2025-03-30", "2025-03-30", "2025-03-30T00:00:00Z", "2025-03-30T23:00:00Z"],
    ["Europe/London", "2025-10-26", "2025-10-26", "2025-10-25T23:00:00Z", "2025-10-27T00:00:00Z"],
    // UTC+14 and UTC−11: the same calendar date is 25 hours apart
    [
      "Pacific/Kiritimati",
      "2025-01-01",
      "2025-01-01",
      "2024-12-31T10:00:00Z",
      "2025-01-01T10:00:00Z",
    ],
    [
      "Pacific/Pago_Pago",
      "2025-01-01",
      "2025-01-01",
      "2025-01-01T11:00:00Z",
      "2025-01-02T11:00:00Z",
    ],
    // Chile springs forward at midnight: 2022-09-11 starts at 01:00 local, the jump's instant
    [
      "America/Santiago",
      "2022-09-11",
      "2022-09-11",
      "2022-09-11T04:00:00Z",
      "2022-09-12T03:00:00Z",
    ],
    // Cuba falls back 01:00 → 00:00: the day starts at the first of its two midnights
    ["America/Havana", "2012-11-04", "2012-11-04", "2012-11-04T04:00:00Z", "2012-11-05T05:00:00Z"],
  ])("%s %s..%s starts %s and ends before %s", (timeZone, from, to, startsAt, endsBefore) => {
    const window = accepted(from, to, timeZone);
    expect(window.startsAt.toISOString()).toBe(new Date(startsAt).toISOString());
    expect(window.endsBefore.toISOString()).toBe(new Date(endsBefore).toISOString());
  });

  it.each([
    ["America/New_York spring forward", "America/New_York", "2025-02-20", "2025-03-21", -1],
    ["America/New_York fall back", "America/New_York", "2025-10-20", "2025-11-18", 1],
    ["Europe/London spring forward", "Europe/London", "2025-03-15", "2025-04-13", -1],
    ["Europe/London fall back", "Europe/London", "2025-10-10", "2025-11-08", 1],
    ["Asia/Taipei (no DST)", "Asia/Taipei", "2025-03-01", "2025-03-30", 0],
  ])("a 30-day window over %s lasts 30×24h %+ih", (_, timeZone, from, to, shiftHours) => {
    const window = accepted(from, to, timeZone);
    expect(window.days).toBe(30);
    expect(window.endsBefore.getTime() - window.startsAt.getTime()).toBe(
      30 * DAY + shiftHours * HOUR,
    );
  });

  it("a day a zone skipped (Kiritimati jumped over 1994-12-31) is an empty window, and its neighbours touch", () => {
    const skipped = accepted("1994-12-31", "1994-12-31", "Pacific/Kiritimati");
    expect(skipped.endsBefore.getTime()).toBe(skipped.startsAt.getTime());
    const before = accepted("1994-12-30", "1994-12-30", "Pacific/Kiritimati");
    const after = accepted("1995-01-01", "1995-01-01", "Pacific/Kiritimati");
    expect(before.endsBefore.getTime()).toBe(after.startsAt.getTime());
    expect(after.endsBefore.getTime() - before.startsAt.getTime()).toBe(2 * DAY);
  });

  it("offsets with seconds are exact (Africa/Monrovia was −0:44:30 in 1971)", () => {
    expect(accepted("1971-05-05", "1971-05-05", "Africa/Monrovia").startsAt.toISOString()).toBe(
      "1971-05-05T00:44:30.000Z",
    );
  });
});

describe("X5 times written into exports are the team's wall-clock time", () => {
  it.each([
    ["2024-12-31T16:00:00Z", "Asia/Taipei", "2025-01-01 00:00:00", "2025-01-01"],
    ["2024-12-31T15:59:59.999Z", "Asia/Taipei", "2024-12-31 23:59:59", "2024-12-31"],
    ["2025-03-09T07:30:05Z", "America/New_York", "2025-03-09 03:30:05", "2025-03-09"],
    ["2025-03-09T06:59:59Z", "America/New_York", "2025-03-09 01:59:59", "2025-03-09"],
    ["2025-07-01T12:00:00Z", "Europe/London", "2025-07-01 13:00:00", "2025-07-01"],
    ["2024-12-31T09:59:59Z", "Pacific/Kiritimati", "2024-12-31 23:59:59", "2024-12-31"],
    ["2025-01-01T10:00:00Z", "Pacific/Pago_Pago", "2024-12-31 23:00:00", "2024-12-31"],
    ["2025-01-01T00:00:00Z", "Asia/Kathmandu", "2025-01-01 05:45:00", "2025-01-01"],
  ])("%s in %s is %s", (iso, timeZone, wallClock, date) => {
    expect(formatInstantInZone(new Date(iso), timeZone)).toBe(wallClock);
    expect(calendarDateInZone(new Date(iso), timeZone)).toBe(date);
  });

  it("refuses to write an unknown zone or an invalid date instead of printing NaN", () => {
    expect(() => formatInstantInZone(new Date(0), "Nowhere/Land")).toThrow(RangeError);
    expect(() => formatInstantInZone(new Date(Number.NaN), "UTC")).toThrow(RangeError);
  });
});
