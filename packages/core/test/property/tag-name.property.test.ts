import { fc, test } from "@fast-check/vitest";
import { Either } from "effect";
import { describe, expect } from "vitest";
import { normaliseTagName } from "../../src/rules/tag-name.js";

const char = (from: number, to: number) =>
  fc.integer({ min: from, max: to }).map((cp) => String.fromCodePoint(cp));

const ascii = char(0x20, 0x7e);
/** Latin-1 Supplement letters and Latin Extended-A. */
const latin = char(0xc0, 0x17f);
const cjk = char(0x4e00, 0x9fff);
const fullWidth = char(0xff01, 0xff5e);
/** Characters that exercise normalisation: spaces of every kind, zero-width, combining and compatibility forms. */
const tricky = fc.constantFrom(
  " ",
  "  ",
  "\u3000",
  "\u00A0",
  "\t",
  "\n",
  "\u200B",
  "\u200D",
  "\uFEFF",
  "\u0301",
  "e",
  "ｶ",
  "ﾞ",
  "ﬁ",
  "ß",
  "😀",
);

/** Text as typed: ASCII, Latin, CJK, full-width and the tricky characters above. */
const typed = fc.string({ unit: fc.oneof(ascii, latin, cjk, fullWidth, tricky), maxLength: 60 });
/** Letters, some followed by a combining mark, with zero-width characters sprinkled between. */
const letters = fc.constantFrom("a", "e", "E", "o", "\u0301", "\u0308", "ｶ", "ﾞ", "王", " ");
const sprinkled = fc
  .array(fc.tuple(letters, fc.constantFrom("", "", "\u200B", "\u2060")), {
    minLength: 1,
    maxLength: 20,
  })
  .map((pairs) => ({
    plain: pairs.map(([c]) => c).join(""),
    withZeroWidth: pairs.map(([c, zw]) => c + zw).join(""),
  }));
/** Text whose letters have case: ASCII, Latin and CJK only (T1 case-insensitivity). */
const cased = fc.string({ unit: fc.oneof(ascii, latin, cjk), minLength: 1, maxLength: 50 });

const accepted = (raw: string) => {
  const result = normaliseTagName(raw);
  return Either.isRight(result) ? result.right : null;
};

describe("T1 tag name normalisation invariants", () => {
  // Zero-width characters between a letter and its combining mark are where idempotence is
  // at risk: removed after NFKC, they leave e + U+0301 uncomposed (NFKC again gives é).
  test.prop([
    fc.oneof(
      typed,
      sprinkled.map((s) => s.withZeroWidth),
    ),
  ])("is idempotent: normalising a normalised name changes nothing", (raw) => {
    const once = accepted(raw);
    if (once === null) return;
    expect(accepted(once.name)).toEqual(once);
  });

  test.prop([sprinkled])(
    "zero-width characters anywhere leave the same name",
    ({ plain, withZeroWidth }) => {
      expect(accepted(withZeroWidth)).toEqual(accepted(plain));
    },
  );

  test.prop([cased])(
    "is case-insensitive: upper- and lower-case spellings share the key",
    (raw) => {
      const upper = accepted(raw.toUpperCase());
      const lower = accepted(raw.toLowerCase());
      if (upper === null || lower === null) return;
      expect(upper.key).toBe(lower.key);
    },
  );

  test.prop([typed])("an accepted name has 1–50 characters (code points)", (raw) => {
    const name = accepted(raw)?.name;
    if (name === undefined) return;
    expect([...name].length).toBeGreaterThanOrEqual(1);
    expect([...name].length).toBeLessThanOrEqual(50);
  });

  test.prop([typed])(
    "an accepted name has no leading, trailing or double spaces, and no other whitespace",
    (raw) => {
      const name = accepted(raw)?.name;
      if (name === undefined) return;
      expect(name).toBe(name.trim());
      expect(name).not.toContain("  ");
      expect(name.replace(/ /g, "")).not.toMatch(/\s/u);
      expect(name).not.toMatch(/[\u200B-\u200D\u2060\uFEFF]/);
    },
  );

  test.prop([typed])("upper-casing an accepted name keeps its key", (raw) => {
    const result = accepted(raw);
    const shouted = result && accepted(result.name.toUpperCase());
    if (!result || !shouted) return;
    expect(shouted.key).toBe(result.key);
  });
});
