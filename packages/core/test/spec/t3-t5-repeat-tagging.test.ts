import { describe, expect, it } from "vitest";
import { TAG_METHODS, type TagMethod } from "../../src/domain/vocabulary.js";
import { decideApplication, decideRemoval } from "../../src/rules/repeat-tagging.js";

const NOT_ON = { count: 0 };
const automatic = TAG_METHODS.filter((m) => m !== "manual");
/** Every method with both answers to the confirmation question. */
const withAnswers = (methods: readonly TagMethod[]) =>
  methods.flatMap((method) => [true, false].map((confirmed) => ({ method, confirmed })));

describe("T3 a tag the customer does not have is applied at once with count 1", () => {
  it.each(withAnswers(TAG_METHODS))(
    "method $method, confirmed=$confirmed → applied, count 1, not a repeat",
    (request) => {
      expect(decideApplication(NOT_ON, request)).toEqual({
        kind: "applied",
        count: 1,
        repeat: false,
      });
    },
  );
});

describe("T4 applying a tag the customer already has asks a member for confirmation", () => {
  it.each([1, 2, 7])(
    "manual, unconfirmed, current count %i → confirmation_required with that count",
    (count) => {
      expect(decideApplication({ count }, { method: "manual", confirmed: false })).toEqual({
        kind: "confirmation_required",
        count,
      });
    },
  );

  it.each([1, 2, 7])("manual, confirmed, current count %i → applied with count + 1", (count) => {
    expect(decideApplication({ count }, { method: "manual", confirmed: true })).toEqual({
      kind: "applied",
      count: count + 1,
      repeat: true,
    });
  });

  it.each(withAnswers(automatic))(
    "$method can not answer a prompt: confirmed=$confirmed on count 3 → applied with count 4",
    (request) => {
      expect(decideApplication({ count: 3 }, request)).toEqual({
        kind: "applied",
        count: 4,
        repeat: true,
      });
    },
  );

  it("the methods that count directly are every method but manual", () => {
    expect(automatic).toEqual(["auto_reply", "broadcast", "automation", "api", "import"]);
  });

  it("the confirmation answer does not change the count; confirming then adds exactly one", () => {
    const asked = decideApplication({ count: 2 }, { method: "manual", confirmed: false });
    expect(asked).toEqual({ kind: "confirmation_required", count: 2 });
    const confirmed = decideApplication(
      { count: asked.count },
      { method: "manual", confirmed: true },
    );
    expect(confirmed).toEqual({ kind: "applied", count: 3, repeat: true });
  });
});

describe("T5 removing a tag takes it off and restarts its count", () => {
  it.each([1, 4])(
    "a tag on the customer with count %i → removed, with that count as previousCount",
    (count) => {
      expect(decideRemoval({ count })).toEqual({ kind: "removed", previousCount: count });
    },
  );

  it("removing a tag that is not on the customer → not_applied", () => {
    expect(decideRemoval(NOT_ON)).toEqual({ kind: "not_applied" });
  });

  it("after removal the next manual application starts at 1 without confirmation", () => {
    const removal = decideRemoval({ count: 3 });
    expect(removal).toEqual({ kind: "removed", previousCount: 3 });
    // The count on the customer restarts at 0 once removed.
    expect(decideApplication({ count: 0 }, { method: "manual", confirmed: false })).toEqual({
      kind: "applied",
      count: 1,
      repeat: false,
    });
  });
});
