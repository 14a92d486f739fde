import { Either } from "effect";
import { describe, expect, it } from "vitest";
import { TagId } from "../../src/domain/ids.js";
import type { SuggestionCandidate } from "../../src/domain/tag-reads.js";
import { normaliseTagName } from "../../src/rules/tag-name.js";
import { MAX_SUGGESTIONS, rankSuggestions } from "../../src/rules/tag-suggestions.js";

let nextId = 1;
/** A team tag as stored: normalised name, case-folded key, and how often it was applied. */
const tag = (typed: string, uses: number): SuggestionCandidate => {
  const normalised = normaliseTagName(typed);
  if (Either.isLeft(normalised)) throw new Error(normalised.left);
  const n = String(nextId++).padStart(12, "0");
  return { tagId: TagId.parse(`00000000-0000-4000-8000-${n}`), ...normalised.right, uses };
};

const names = (typed: string, candidates: readonly SuggestionCandidate[], limit?: number) =>
  rankSuggestions(typed, candidates, limit).map((c) => c.name);

const vip = tag("VIP", 40);
const superVip = tag("Super VIP", 90);
const vipGold = tag("VIP Gold", 5);
const vipSilver = tag("vip silver", 5);
const exVip = tag("ex-VIP", 3);
const newcomer = tag("新客", 70);
const regular = tag("常客", 12);
const team = [vip, superVip, vipGold, vipSilver, exVip, newcomer, regular];

describe("T2 suggestions: prefix matches first, then other matches, most used first, at most 10", () => {
  it("puts prefix matches before other matches, whatever their use", () => {
    // "Super VIP" is used most, but only contains "vip": it comes after every prefix match.
    expect(names("vip", team)).toEqual(["VIP", "VIP Gold", "vip silver", "Super VIP", "ex-VIP"]);
  });

  it("orders each group by use, most used first", () => {
    const a = tag("vip a", 1);
    const b = tag("vip b", 30);
    const c = tag("vip c", 7);
    const x = tag("x vip", 2);
    const y = tag("y vip", 20);
    expect(names("vip", [a, x, b, y, c])).toEqual(["vip b", "vip c", "vip a", "y vip", "x vip"]);
  });

  it("breaks ties by name, ignoring case", () => {
    const tied = [tag("vip-c", 5), tag("VIP-A", 5), tag("vip-b", 5)];
    expect(names("vip", tied)).toEqual(["VIP-A", "vip-b", "vip-c"]);
  });

  it("leaves out tags that do not contain the query", () => {
    expect(names("客", team)).toEqual(["新客", "常客"]);
    expect(names("gold", team)).toEqual(["VIP Gold"]);
    expect(names("platinum", team)).toEqual([]);
  });

  it.each([
    ["lower case", "vip g"],
    ["upper case", "VIP G"],
    ["mixed case", "Vip g"],
    ["full-width letters (NFKC)", "ｖｉｐ ｇ"],
    ["extra and ideographic spaces", "  vip\u3000\u3000g "],
  ])("matches whatever the case or width of the query: %s", (_label, typed) => {
    expect(names(typed, team)).toEqual(["VIP Gold"]);
  });

  it("typing ｖｉ (full-width) finds VIP", () => {
    expect(names("ｖｉ", [vip, newcomer])).toEqual(["VIP"]);
  });

  it("an empty query lists the most used tags", () => {
    expect(names("", team)).toEqual([
      "Super VIP",
      "新客",
      "VIP",
      "常客",
      "VIP Gold",
      "vip silver",
      "ex-VIP",
    ]);
    expect(names("   ", team)).toEqual(names("", team));
  });

  it("returns at most 10, keeping the best", () => {
    expect(MAX_SUGGESTIONS).toBe(10);
    const many = Array.from({ length: 15 }, (_, i) => tag(`tag ${String(i).padStart(2, "0")}`, i));
    expect(names("tag", many)).toEqual([
      "tag 14",
      "tag 13",
      "tag 12",
      "tag 11",
      "tag 10",
      "tag 09",
      "tag 08",
      "tag 07",
      "tag 06",
      "tag 05",
    ]);
  });

  it("a smaller limit is honoured; a larger one is capped at 10", () => {
    const many = Array.from({ length: 15 }, (_, i) => tag(`tag ${i}`, i));
    expect(rankSuggestions("tag", many, 3)).toHaveLength(3);
    expect(rankSuggestions("tag", many, 50)).toHaveLength(10);
  });

  it("returns the candidates themselves (id, name, key, uses)", () => {
    expect(rankSuggestions("gold", team)).toEqual([vipGold]);
  });
});
