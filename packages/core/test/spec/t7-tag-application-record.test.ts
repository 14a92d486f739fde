import { Either } from "effect";
import { describe, expect, it } from "vitest";
import type { ValidationFailed } from "../../src/domain/errors.js";
import { TAG_METHODS } from "../../src/domain/vocabulary.js";
import { IngestTagInput, TagsApplyInput } from "../../src/schemas/operations.js";
import { parseInput } from "../../src/schemas/parse-input.js";

const customerId = "00000000-0000-4000-8000-000000000001";
const conversationId = "00000000-0000-4000-8000-000000000002";

const rejectionOf = (result: Either.Either<unknown, ValidationFailed>) => {
  if (Either.isRight(result)) throw new Error("expected a rejection");
  return result.left;
};
const fieldsOf = (error: ValidationFailed) => error.issues.map((i) => i.field);

describe("T7 every application records its method: manual, auto_reply, broadcast, automation, api, import", () => {
  it("the vocabulary of methods is exactly these six", () => {
    expect(TAG_METHODS).toEqual([
      "manual",
      "auto_reply",
      "broadcast",
      "automation",
      "api",
      "import",
    ]);
  });
});

describe("T7 a member's tags.apply is always manual: the method is not an input", () => {
  it("accepts a tag name with the normalised name, and confirm defaults to false", () => {
    expect(parseInput(TagsApplyInput, { customerId, name: " ＶＩＰ ", conversationId })).toEqual(
      Either.right({
        customerId,
        conversationId,
        name: { name: "VIP", key: "vip" },
        confirm: false,
      }),
    );
  });

  it("carries the confirmation answer (T4) and an idempotency key (T8)", () => {
    const result = parseInput(TagsApplyInput, {
      customerId,
      name: "VIP",
      confirm: true,
      idempotencyKey: "req-2025-03-01:0001",
    });
    expect(Either.isRight(result) && result.right).toMatchObject({
      confirm: true,
      idempotencyKey: "req-2025-03-01:0001",
    });
  });

  it.each(TAG_METHODS)("refuses a method (%s) sent by a member", (method) => {
    const error = rejectionOf(parseInput(TagsApplyInput, { customerId, name: "VIP", method }));
    expect(error.code).toBe("VALIDATION_FAILED");
    expect(error.message).toContain("method");
  });

  it("refuses an invalid tag name, naming the field", () => {
    const error = rejectionOf(parseInput(TagsApplyInput, { customerId, name: "   " }));
    expect(error.issues).toEqual([{ field: "name", message: "must not be empty" }]);
  });
});

describe("T7 an integration's application names a method other than manual", () => {
  const ingest = (fields: Record<string, unknown>) =>
    parseInput(IngestTagInput, { customerId, name: "VIP", ...fields });

  it.each(["auto_reply", "broadcast", "automation", "api", "import"])(
    "accepts method %s",
    (method) => {
      const result = ingest({ method });
      expect(Either.isRight(result) && result.right.method).toBe(method);
    },
  );

  it.each([
    ["manual (only a member applies manually)", "manual"],
    ["an unknown method", "bot"],
    ["a method in another case", "API"],
    ["no method at all", undefined],
  ])("refuses %s", (_label, method) => {
    expect(fieldsOf(rejectionOf(ingest({ method })))).toEqual(["method"]);
  });
});

describe("T8 an idempotency key is 8–128 characters of letters, digits and . _ : -", () => {
  const withKey = (idempotencyKey: string) =>
    parseInput(IngestTagInput, { customerId, name: "VIP", method: "api", idempotencyKey });

  it.each([
    ["8 characters", "abcdefgh"],
    ["128 characters", "k".repeat(128)],
    ["a UUID", "3f1c2a9e-8b7d-4c6e-9a1b-2d3e4f5a6b7c"],
    ["every allowed punctuation", "order.42_line:7-a"],
  ])("accepts %s", (_label, key) => {
    expect(Either.isRight(withKey(key))).toBe(true);
  });

  it.each([
    ["7 characters", "abcdefg", "must be 8–128 characters"],
    ["129 characters", "k".repeat(129), "must be 8–128 characters"],
    ["a space", "order 42 line 7", "may contain only letters, digits and . _ : -"],
    ["a slash", "order/42/line/7", "may contain only letters, digits and . _ : -"],
    ["non-ASCII letters", "訂單訂單訂單訂單", "may contain only letters, digits and . _ : -"],
  ])("refuses %s", (_label, key, message) => {
    expect(rejectionOf(withKey(key)).issues).toEqual([{ field: "idempotencyKey", message }]);
  });

  it("the same rule holds for a member's tags.apply", () => {
    const error = rejectionOf(
      parseInput(TagsApplyInput, { customerId, name: "VIP", idempotencyKey: "short" }),
    );
    expect(error.issues).toEqual([
      { field: "idempotencyKey", message: "must be 8–128 characters" },
    ]);
  });
});
