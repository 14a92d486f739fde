import { Either } from "effect";
import { describe, expect, it } from "vitest";
import { decideReplay } from "../../src/rules/idempotency.js";

const first = { answer: { count: 1 }, fingerprint: '["c1","vip"]' };

describe("T8 a retry with the same idempotency key replays the first answer", () => {
  it("a key never used → a new request", () => {
    expect(decideReplay(null, first.fingerprint)).toEqual(Either.right({ kind: "new" }));
  });

  it("the same key for the same request → the first answer, replayed", () => {
    expect(decideReplay(first, first.fingerprint)).toEqual(
      Either.right({ kind: "replay", answer: { count: 1 } }),
    );
  });

  it("the same key for another request → IDEMPOTENCY_KEY_REUSED", () => {
    const decision = decideReplay(first, '["c2","vip"]');
    expect(Either.isLeft(decision) && decision.left.code).toBe("IDEMPOTENCY_KEY_REUSED");
  });
});
