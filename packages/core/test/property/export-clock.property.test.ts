import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { ExportClock } from "../../src/csv/export-clock.js";
import { formatInstantInZone, formatUtcOffsetInZone } from "../../src/rules/report-window.js";

const ZONES = Intl.supportedValuesOf("timeZone");

// An export's clock caches hours, the last minute's text and the last offset's text: whatever
// order its rows come in, it must write what the pure rules (Intl) write.
describe("X5 an export's clock writes the rules' own text, caches or not", () => {
  test.prop(
    [
      fc.constantFrom(...ZONES),
      fc.date({
        min: new Date("1900-01-02T00:00:00Z"),
        max: new Date("2100-12-30T00:00:00Z"),
        noInvalidDate: true,
      }),
      fc.array(fc.integer({ min: -5_400_000, max: 5_400_000 }), { minLength: 1, maxLength: 40 }),
    ],
    { numRuns: 120 },
  )(
    "runs of nearby instants, forwards and back",
    (timeZone, start, steps) => {
      const clock = new ExportClock(timeZone);
      let t = start.getTime();
      for (const step of steps) {
        t += step;
        const at = new Date(t);
        expect(clock.time(at), `${at.toISOString()} ${timeZone}`).toBe(
          formatInstantInZone(at, timeZone),
        );
        expect(clock.utcOffset(at), `${at.toISOString()} ${timeZone}`).toBe(
          formatUtcOffsetInZone(at, timeZone),
        );
      }
    },
    30_000,
  );

  it("two exports in different zones keep their own caches", () => {
    const taipei = new ExportClock("Asia/Taipei");
    const newYork = new ExportClock("America/New_York");
    const at = new Date("2025-03-09T06:59:59Z"); // 01:59:59 EST, the second before DST
    expect(taipei.time(at)).toBe("2025-03-09 14:59:59");
    expect(newYork.time(at)).toBe("2025-03-09 01:59:59");
    expect(newYork.utcOffset(at)).toBe("-05:00");
    const after = new Date(at.getTime() + 1000);
    expect(newYork.time(after)).toBe("2025-03-09 03:00:00");
    expect(newYork.utcOffset(after)).toBe("-04:00");
    expect(taipei.utcOffset(after)).toBe("+08:00");
  });

  it("a zone that is not an IANA name is refused at the first time, with a RangeError", () => {
    const clock = new ExportClock("+08:00");
    expect(() => clock.time(new Date(0))).toThrow(RangeError);
    expect(() => new ExportClock("UTC").time(new Date(Number.NaN))).toThrow(RangeError);
  });
});
