import { Either } from "effect";
import { describe, expect, it } from "vitest";
import { SENDER_TYPES } from "../../src/domain/vocabulary.js";
import { decideInbound, decideStatusChange } from "../../src/rules/ingress.js";

const ACTIVE = { active: true };
const BLOCKED = { active: false };

describe("L5/B2 a blocked customer's messages are refused at ingress and not stored", () => {
  it("a customer message on a blocked conversation → CONVERSATION_BLOCKED", () => {
    const result = decideInbound(BLOCKED, "customer");
    if (Either.isRight(result)) throw new Error("expected a refusal");
    expect(result.left.code).toBe("CONVERSATION_BLOCKED");
    expect(result.left._tag).toBe("ConversationBlocked");
    expect(result.left.message).toBe(
      "The customer is blocked on this conversation; the message was not received.",
    );
  });

  it.each([
    ["bot", "blocked", BLOCKED],
    ["agent", "blocked", BLOCKED],
    ["customer", "active", ACTIVE],
    ["bot", "active", ACTIVE],
    ["agent", "active", ACTIVE],
    ["customer", "new (no conversation yet)", null],
    ["bot", "new (no conversation yet)", null],
  ] as const)("a %s message on a %s conversation is recorded", (sender, _label, conversation) => {
    expect(decideInbound(conversation, sender)).toEqual(Either.right(undefined));
  });

  it("only the customer is refused: every sender type is covered", () => {
    const refused = SENDER_TYPES.filter((s) => Either.isLeft(decideInbound(BLOCKED, s)));
    expect(refused).toEqual(["customer"]);
  });
});

describe("L5 turning 'active' off blocks, on again unblocks, and each change is logged (E1)", () => {
  it.each([
    ["active → off", ACTIVE, false, { active: false, event: { type: "blocked" } }],
    ["blocked → on", BLOCKED, true, { active: true, event: { type: "unblocked" } }],
    ["active → on (unchanged)", ACTIVE, true, { active: true, event: null }],
    ["blocked → off (unchanged)", BLOCKED, false, { active: false, event: null }],
  ] as const)("%s", (_label, current, active, expected) => {
    expect(decideStatusChange(current, active)).toEqual(expected);
  });

  it("after unblocking, the customer's messages are received again", () => {
    const { active } = decideStatusChange(BLOCKED, true);
    expect(Either.isRight(decideInbound({ active }, "customer"))).toBe(true);
  });
});
