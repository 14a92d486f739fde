import { Either } from "effect";
import { describe, expect, it } from "vitest";
import type { ValidationFailed } from "../../src/domain/errors.js";
import { CustomerId } from "../../src/domain/ids.js";
import { ProfileUpdateInput } from "../../src/schemas/operations.js";
import { parseInput } from "../../src/schemas/parse-input.js";

const customerId = CustomerId.parse("00000000-0000-4000-8000-000000000001");

/** `profile.update` input with the given fields, parsed once at the edge. */
const update = (fields: Record<string, unknown>) =>
  parseInput(ProfileUpdateInput, { customerId, ...fields });

const accepted = (fields: Record<string, unknown>) => {
  const result = update(fields);
  if (Either.isLeft(result)) throw new Error(`expected acceptance, got: ${result.left.message}`);
  return result.right;
};

const rejected = (fields: Record<string, unknown>): ValidationFailed => {
  const result = update(fields);
  if (Either.isRight(result)) throw new Error("expected a rejection");
  return result.left;
};

/** The fields a rejection names, in order. */
const fieldsOf = (error: ValidationFailed) => error.issues.map((issue) => issue.field);

describe("P2 a profile edit is validated at the edge and every violation names its field", () => {
  describe("display name: 1–100 characters after trimming, counted in code points", () => {
    it.each([
      ["a short name", "Ada", "Ada"],
      ["surrounding spaces are trimmed", "  Ada Lovelace  ", "Ada Lovelace"],
      ["CJK text", "王小明", "王小明"],
      ["100 ASCII letters", "a".repeat(100), "a".repeat(100)],
      ["100 CJK characters", "王".repeat(100), "王".repeat(100)],
      ["100 emoji (two UTF-16 units each, one character)", "😀".repeat(100), "😀".repeat(100)],
      ["100 characters plus spaces to trim", ` ${"王".repeat(100)} `, "王".repeat(100)],
    ])("accepts %s", (_label, typed, stored) => {
      expect(accepted({ displayName: typed }).displayName).toBe(stored);
    });

    it.each([
      ["101 ASCII letters", "a".repeat(101), "must be at most 100 characters (got 101)"],
      ["101 CJK characters", "王".repeat(101), "must be at most 100 characters (got 101)"],
      ["101 emoji", "😀".repeat(101), "must be at most 100 characters (got 101)"],
      ["an empty string (the name can not be cleared)", "", "must not be empty"],
      ["only spaces", "   ", "must not be empty"],
      ["only ideographic spaces", "\u3000\u3000", "must not be empty"],
    ])("rejects %s", (_label, typed, message) => {
      const error = rejected({ displayName: typed });
      expect(error.code).toBe("VALIDATION_FAILED");
      expect(error.issues).toEqual([{ field: "displayName", message }]);
    });
  });

  describe("email: a valid address, trimmed", () => {
    it.each([
      ["ada@example.com", "ada@example.com"],
      ["  ada@example.com  ", "ada@example.com"],
      ["first.last+tag@sub.example.co.uk", "first.last+tag@sub.example.co.uk"],
    ])("accepts %j as %j", (typed, stored) => {
      expect(accepted({ email: typed }).email).toBe(stored);
    });

    it.each(["not-an-email", "ada@", "@example.com", "ada @example.com", "ada@example"])(
      "rejects %j",
      (typed) => {
        const error = rejected({ email: typed });
        expect(error.code).toBe("VALIDATION_FAILED");
        expect(error.issues).toEqual([
          { field: "email", message: "must be a valid email address" },
        ]);
      },
    );
  });

  describe("phone: a valid international number, stored in E.164", () => {
    it.each([
      ["+886 912-345-678", "+886912345678"],
      ["+886912345678", "+886912345678"],
      ["+886.912.345.678", "+886912345678"],
      ["  +886912345678  ", "+886912345678"],
      ["+86 138 0013 8000", "+8613800138000"],
      ["+1 (415) 555-2671", "+14155552671"],
      ["+81 3-1234-5678", "+81312345678"],
    ])("accepts %j and stores %j", (typed, stored) => {
      expect(accepted({ phone: typed }).phone).toBe(stored);
    });

    it.each([
      ["a national number without country code", "0912345678"],
      ["a formula prefix (spreadsheet injection)", "=+8613800138000"],
      ["letters among the digits", "+886 912-ABC-678"],
      ["letters only", "call me"],
      ["too few digits", "+886 12"],
      ["a number no country issues", "+886 000 000 000"],
    ])("rejects %s", (_label, typed) => {
      const error = rejected({ phone: typed });
      expect(error.code).toBe("VALIDATION_FAILED");
      expect(fieldsOf(error)).toEqual(["phone"]);
    });
  });

  describe("note: at most 2,000 characters, line breaks allowed", () => {
    it.each([
      ["2,000 characters", "x".repeat(2000), "x".repeat(2000)],
      ["2,000 emoji", "😀".repeat(2000), "😀".repeat(2000)],
      ["line breaks and tabs", "first line\nsecond line\r\n\tindented", null],
    ])("accepts %s", (_label, typed, stored) => {
      expect(accepted({ note: typed }).note).toBe(stored ?? typed);
    });

    it("rejects 2,001 characters", () => {
      const error = rejected({ note: "x".repeat(2001) });
      expect(error.code).toBe("VALIDATION_FAILED");
      expect(fieldsOf(error)).toEqual(["note"]);
    });

    // P2/X4 ask for a clear error; the note's rejection currently says only "Invalid input".
    it.each([
      ["2,001 characters", "x".repeat(2001), /2000 characters/],
      ["a control character", "bell\u0007", /control characters/],
    ])("says why a note of %s is refused", (_label, typed, why) => {
      const [issue] = rejected({ note: typed }).issues;
      expect(issue?.field).toBe("note");
      expect(issue?.message).toMatch(why);
    });
  });

  describe("an empty string clears email, phone and note; nothing clears the display name", () => {
    it.each(["email", "phone", "note"])("%s: an empty string becomes null", (field) => {
      expect(accepted({ [field]: "" })).toEqual({ customerId, [field]: null });
    });

    it.each(["email", "phone", "note"])("%s: only spaces also clear it", (field) => {
      expect(accepted({ [field]: "   " })).toEqual({ customerId, [field]: null });
    });

    it("clears all three at once", () => {
      expect(accepted({ email: "", phone: "", note: "" })).toEqual({
        customerId,
        email: null,
        phone: null,
        note: null,
      });
    });

    it("a display name of an empty string is rejected, not cleared", () => {
      expect(fieldsOf(rejected({ displayName: "" }))).toEqual(["displayName"]);
    });

    it("null is not a way to clear (only the empty string is)", () => {
      expect(fieldsOf(rejected({ email: null }))).toEqual(["email"]);
    });
  });

  describe("text must be clean: no control characters, bidi overrides or lone surrogates", () => {
    const dirty = [
      ["NUL", "a\u0000b"],
      ["BEL", "a\u0007b"],
      ["DEL", "a\u007Fb"],
      ["C1 next-line", "a\u0085b"],
      ["right-to-left override", "invoice\u202Efdp.exe"],
      ["left-to-right isolate", "a\u2066b"],
      ["lone high surrogate", "a\uD800b"],
      ["lone low surrogate", "a\uDC00b"],
    ] as const;

    it.each(dirty)("display name with %s is rejected", (_label, typed) => {
      const error = rejected({ displayName: typed });
      expect(error.code).toBe("VALIDATION_FAILED");
      expect(fieldsOf(error)).toEqual(["displayName"]);
    });

    it.each(dirty)("note with %s is rejected", (_label, typed) => {
      const error = rejected({ note: typed });
      expect(error.code).toBe("VALIDATION_FAILED");
      expect(fieldsOf(error)).toEqual(["note"]);
    });

    it.each([
      ["a line feed", "a\nb"],
      ["a tab", "a\tb"],
    ])("display name with %s is rejected (single line)", (_label, typed) => {
      expect(rejected({ displayName: typed }).issues).toEqual([
        { field: "displayName", message: "contains control characters or line breaks" },
      ]);
    });
  });

  describe("the input object is strict and names every offending field", () => {
    it.each(["teamId", "role", "memberId"])("refuses the unknown key %s", (key) => {
      const error = rejected({ displayName: "Ada", [key]: "x" });
      expect(error.code).toBe("VALIDATION_FAILED");
      expect(error.message).toContain(key);
    });

    // The issue of an unknown key carries the path of the object (""), not the key itself.
    it("names the unknown key as the offending field", () => {
      expect(fieldsOf(rejected({ displayName: "Ada", teamId: "x" }))).toEqual(["teamId"]);
    });

    it("requires at least one profile field", () => {
      expect(rejected({}).issues).toEqual([
        { field: "", message: "give at least one of displayName, email, phone, note" },
      ]);
    });

    it("requires a customer id that is a UUID", () => {
      expect(
        parseInput(ProfileUpdateInput, { customerId: "42", displayName: "Ada" }).pipe(
          Either.match({ onLeft: (e) => e.issues, onRight: () => [] }),
        ),
      ).toEqual([{ field: "customerId", message: "must be a UUID" }]);
    });

    it("names every offending field of one input, in field order, and the message lists them", () => {
      const error = rejected({ displayName: "", phone: "0912345678", email: "nope" });
      expect(fieldsOf(error)).toEqual(["displayName", "email", "phone"]);
      expect(error.message).toMatch(/^Invalid input — displayName: .+; email: .+; phone: .+$/);
    });

    it("accepts a full valid edit and returns exactly the normalised fields", () => {
      expect(
        accepted({
          displayName: " 王小明 ",
          email: "ming@example.com",
          phone: "+886 912-345-678",
          note: "prefers LINE",
        }),
      ).toEqual({
        customerId,
        displayName: "王小明",
        email: "ming@example.com",
        phone: "+886912345678",
        note: "prefers LINE",
      });
    });
  });
});
