import { describe, expect, it } from "vitest";
import {
  countId,
  deliveryOf,
  type Expected,
  newTally,
  receivedExactly,
} from "../src/fan-out/subscriber-tally.js";

// The fan-out bench's delivery check: what a subscriber received against what was published.
const published = [11, 12, 13, 14, 15];
const expected: Expected = {
  count: published.length,
  sum: published.reduce((a, b) => a + b, 0),
  min: 11,
  max: 15,
};

const tallyOf = (ids: readonly number[]) => {
  const tally = newTally();
  for (const id of ids) countId(tally, id);
  return tally;
};

describe("fan-out delivery check", () => {
  it("accepts every published id once, in order", () => {
    expect(receivedExactly(tallyOf(published), expected)).toBe(true);
  });

  it.each([
    ["one missing", [11, 12, 13, 15]],
    ["one twice", [11, 12, 13, 14, 14, 15]],
    ["one twice instead of another", [11, 12, 12, 14, 15]],
    ["out of order", [11, 13, 12, 14, 15]],
    ["one from before the run", [10, 11, 12, 13, 14, 15]],
    ["none", []],
  ])("refuses %s", (_, ids) => {
    expect(receivedExactly(tallyOf(ids), expected)).toBe(false);
  });

  it("refuses a subscription that ended in an error", () => {
    const tally = tallyOf(published);
    tally.errors = 1;
    expect(receivedExactly(tally, expected)).toBe(false);
  });

  it("sums the subscribers: complete ones, deliveries, repeats", () => {
    const delivery = deliveryOf({
      final: [tallyOf(published), tallyOf([11, 12, 12, 14, 15]), tallyOf(published)],
      atLoadEnd: [tallyOf([11]), tallyOf([11, 12]), tallyOf([])],
      expected,
      subscribers: 3,
      drainSeconds: 1,
      windowSeconds: 5,
    });
    expect(delivery).toMatchObject({
      exactlyOnce: false,
      subscribersComplete: 2,
      delivered: 15,
      expected: 15,
      notIncreasing: 1,
      shareAtLoadEnd: 3 / 15,
      perSecond: 3,
    });
  });
});
