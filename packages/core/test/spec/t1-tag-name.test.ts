import { Either } from "effect";
import { describe, expect, it } from "vitest";
import { MAX_TAG_NAME_LENGTH, normaliseTagName } from "../../src/rules/tag-name.js";

const normalised = (raw: string) => {
  const result = normaliseTagName(raw);
  if (Either.isLeft(result))
    throw new Error(`expected ${JSON.stringify(raw)} to be accepted: ${result.left}`);
  return result.right;
};

const problemOf = (raw: string) => {
  const result = normaliseTagName(raw);
  if (Either.isRight(result)) throw new Error(`expected ${JSON.stringify(raw)} to be rejected`);
  return result.left;
};

/** Code points, to make invisible differences visible in failures. */
const codePoints = (s: string) => [...s].map((c) => c.codePointAt(0)?.toString(16));

describe("T1 a tag name is trimmed, NFKC-normalised, whitespace-collapsed, 1–50 characters", () => {
  it.each([
    ["plain", "VIP", "VIP"],
    ["surrounding spaces trimmed", "  VIP  ", "VIP"],
    ["full-width Latin (NFKC)", "ＶＩＰ", "VIP"],
    ["full-width digits (NFKC)", "會員１２３", "會員123"],
    ["half-width katakana (NFKC)", "ｶﾀｶﾅ", "カタカナ"],
    ["half-width katakana with a voiced mark composes", "ｶﾞｲﾄﾞ", "ガイド"],
    ["a compatibility ligature", "ﬁnance", "finance"],
    ["inner spaces collapsed", "big   spender", "big spender"],
    ["ideographic space (U+3000) collapsed", "高\u3000\u3000價值", "高 價值"],
    ["tab and line breaks become one space", "big\t\r\nspender", "big spender"],
    ["no-break space collapsed", "big\u00A0spender", "big spender"],
    ["zero-width space removed", "V\u200BI\u200CP\u200D", "VIP"],
    ["word joiner and BOM removed", "\uFEFFVIP\u2060", "VIP"],
    ["emoji kept", "⭐ 常客", "⭐ 常客"],
  ])("%s: %j → %j", (_label, raw, name) => {
    expect(normalised(raw).name).toBe(name);
  });

  it("the limit is 50 characters", () => {
    expect(MAX_TAG_NAME_LENGTH).toBe(50);
  });

  it.each([
    ["50 ASCII letters", "a".repeat(50)],
    ["50 CJK characters", "標".repeat(50)],
    ["50 emoji (counted in code points)", "😀".repeat(50)],
    ["50 after trimming and collapsing", `  ${"a".repeat(25)}     ${"b".repeat(24)}  `],
  ])("accepts %s", (_label, raw) => {
    expect([...normalised(raw).name]).toHaveLength(50);
  });

  it.each([
    ["51 ASCII letters", "a".repeat(51), "must be at most 50 characters (got 51)"],
    ["51 CJK characters", "標".repeat(51), "must be at most 50 characters (got 51)"],
    [
      "a character NFKC expands (㍿ → 株式会社) past 50",
      "㍿".repeat(13),
      "must be at most 50 characters (got 52)",
    ],
    ["an empty string", "", "must not be empty"],
    ["only spaces", "   ", "must not be empty"],
    ["only ideographic spaces", "\u3000\u3000", "must not be empty"],
    ["only zero-width characters", "\u200B\u200D\uFEFF", "must not be empty"],
  ])("rejects %s", (_label, raw, problem) => {
    expect(problemOf(raw)).toBe(problem);
  });

  it.each([
    ["NUL", "VI\u0000P", "contains control characters or line breaks"],
    ["escape", "\u001B[31mVIP", "contains control characters or line breaks"],
    [
      "vertical tab (a control, not a line break)",
      "VI\u000BP",
      "contains control characters or line breaks",
    ],
    ["DEL", "VIP\u007F", "contains control characters or line breaks"],
    ["C1 next-line", "VIP\u0085", "contains control characters or line breaks"],
    ["right-to-left override", "\u202EPIV", "contains bidirectional override characters"],
    ["first-strong isolate", "VIP\u2068", "contains bidirectional override characters"],
    ["lone surrogate", "VIP\uD83D", "contains an unpaired surrogate (not valid Unicode text)"],
  ])("rejects %s", (_label, raw, problem) => {
    expect(problemOf(raw)).toBe(problem);
  });

  // T1 says the stored name is NFKC. Removing a zero-width character after NFKC can leave
  // a base letter and its combining mark uncomposed (e + U+0301 instead of é).
  it.each([
    ["e, zero-width space, combining acute", "e\u200B\u0301", "é"],
    ["half-width ka, zero-width space, half-width voiced mark", "ｶ\u200Bﾞ", "ガ"],
  ])("the name is NFKC even when a zero-width character sat inside it: %s", (_label, raw, name) => {
    expect(codePoints(normalised(raw).name)).toEqual(codePoints(name));
  });
});

describe("T1 two names that differ only by letter case are the same tag (same key)", () => {
  it.each([
    ["VIP", "vip", "Vip", "ｖｉｐ"],
    ["STRASSE", "straße", "Straße", "strasse"],
    ["ΟΔΟΣ", "οδος", "Οδος", "οδοσ"],
    ["ÉCOLE", "école", "E\u0301COLE", "e\u0301cole"],
  ])("%s / %s / %s / %s share one key", (...names) => {
    const keys = names.map((n) => normalised(n).key);
    expect(new Set(keys).size).toBe(1);
  });

  // toUpperCase leaves the capital sharp s (U+1E9E) as it is: folding must still reach "ss".
  it("the capital sharp s ẞ folds like ß and SS", () => {
    expect(normalised("STRAẞE").key).toBe(normalised("STRASSE").key);
  });

  it("the key is lower-case; the name keeps the case first typed", () => {
    expect(normalised(" Big  Spender ")).toEqual({ name: "Big Spender", key: "big spender" });
  });

  it.each([
    ["VIP", "VIP+"],
    ["高價值", "高價"],
    ["big spender", "bigspender"],
  ])("%s and %s are different tags", (a, b) => {
    expect(normalised(a).key).not.toBe(normalised(b).key);
  });
});
