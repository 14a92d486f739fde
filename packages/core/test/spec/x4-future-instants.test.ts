import { Either } from "effect";
import { describe, expect, it } from "vitest";
import {
  FUTURE_INSTANT_MESSAGE,
  MAX_CLOCK_SKEW_MS,
  refuseFutureInstants,
} from "../../src/rules/future-instants.js";

const NOW = new Date("2026-12-04T00:00:00.000Z");
const at = (offsetMs: number) => new Date(NOW.getTime() + offsetMs);

describe("X4 L2 L5 times an integration sends may be at most 5 minutes in the future", () => {
  it.each([
    ["the past", at(-86_400_000)],
    ["now", at(0)],
    ["exactly the allowed skew ahead", at(MAX_CLOCK_SKEW_MS)],
  ])("accepts %s", (_label, instant) => {
    expect(Either.isRight(refuseFutureInstants([{ field: "sentAt", at: instant }], NOW))).toBe(
      true,
    );
  });

  it.each([
    ["one millisecond past the skew", at(MAX_CLOCK_SKEW_MS + 1)],
    ["tomorrow", at(86_400_000)],
    ["year 9999 (would count as the last 90 days)", new Date("9999-12-31T23:59:59.999Z")],
  ])("refuses %s with VALIDATION_FAILED naming the field", (_label, instant) => {
    const result = refuseFutureInstants([{ field: "sentAt", at: instant }], NOW);
    expect(result).toMatchObject({
      left: {
        code: "VALIDATION_FAILED",
        issues: [{ field: "sentAt", message: FUTURE_INSTANT_MESSAGE }],
      },
    });
  });

  it("names every offending order, and only those", () => {
    const result = refuseFutureInstants(
      [
        { field: "orders.0.placedAt", at: at(0) },
        { field: "orders.1.placedAt", at: new Date("9999-01-01T00:00:00Z") },
        { field: "orders.2.placedAt", at: at(-1) },
        { field: "orders.3.placedAt", at: at(MAX_CLOCK_SKEW_MS * 2) },
      ],
      NOW,
    );
    expect(Either.isLeft(result) && result.left.issues.map((i) => i.field)).toEqual([
      "orders.1.placedAt",
      "orders.3.placedAt",
    ]);
  });
});
