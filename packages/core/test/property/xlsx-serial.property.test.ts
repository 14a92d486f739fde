import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { dateTimeSerial, serialTexts } from "../../src/xlsx/xlsx-cells.js";

const DAY_MS = 86_400_000;
/** 1900-03-01 and 9999-12-31 23:59:59, the range a date-time cell holds. */
const FIRST_MS = Date.UTC(1900, 2, 1);
const LAST_MS = Date.UTC(9999, 11, 31, 23, 59, 59);

// A serial's text is cheap digits, not `String(serial)`: a reader must parse it back to the very
// same number, whatever the time, in any order (the day's text is kept between calls).
describe("XLSX date-time serials are written as the same number", () => {
  test.prop(
    [
      fc.array(
        fc.oneof(
          // Whole seconds, as the exports write them, anywhere in the range.
          fc.integer({ min: FIRST_MS / 1000, max: LAST_MS / 1000 }).map((s) => s * 1000),
          // Any millisecond, and times near 1922, where the twelve-decimal form starts.
          fc.integer({ min: FIRST_MS, max: LAST_MS }),
          fc.integer({ min: Date.UTC(1922, 5, 1), max: Date.UTC(1922, 5, 10) }),
        ),
        { minLength: 1, maxLength: 60 },
      ),
    ],
    { numRuns: 400 },
  )("parsing the text gives back the serial", (times) => {
    const serialText = serialTexts();
    for (const ms of times) {
      const serial = dateTimeSerial(ms);
      if (serial === null) throw new Error(`${ms} is in range`);
      const text = serialText(serial);
      expect(Number(text), `${new Date(ms).toISOString()} as ${text}`).toBe(serial);
      expect(text).toMatch(/^\d+(\.\d*[1-9])?$/);
    }
  });

  it("every second of a day, consecutive days, and the day's first second", () => {
    const serialText = serialTexts();
    const start = Date.UTC(2026, 10, 1);
    for (let ms = start - DAY_MS; ms < start + DAY_MS; ms += 1000) {
      const serial = dateTimeSerial(ms) ?? Number.NaN;
      expect(Number(serialText(serial))).toBe(serial);
    }
    expect(serialText(dateTimeSerial(start) ?? Number.NaN)).toBe("46327");
    expect(serialText(dateTimeSerial(start + 5_400_000) ?? Number.NaN)).toBe("46327.0625");
    // Twelve decimals where the shortest form has eleven: the same double.
    expect(serialText(dateTimeSerial(start + 2000) ?? Number.NaN)).toBe("46327.000023148154");
    expect(46327.000023148154).toBe(46327.00002314815);
  });
});
