import { describe, expect, it } from "vitest";
import { TagId } from "../../src/domain/ids.js";
import { countTagFrequency, type FrequencyInput } from "../../src/rules/tag-frequency.js";

const VIP = TagId.parse("00000000-0000-4000-8000-000000000001");
const GOLD = TagId.parse("00000000-0000-4000-8000-000000000002");
const NEW = TagId.parse("00000000-0000-4000-8000-000000000003");
const ALPHA = TagId.parse("00000000-0000-4000-8000-000000000004");

const at = (iso: string) => new Date(iso);
const applied = (tagId: typeof VIP, name: string, iso: string): FrequencyInput => ({
  tagId,
  name,
  appliedAt: at(iso),
});

/**
 * One customer's history. VIP was applied twice, removed (T5), then applied again:
 * the removal is not in the history of applications, so all three count.
 */
const history: FrequencyInput[] = [
  applied(VIP, "VIP", "2025-03-01T09:00:00Z"),
  applied(GOLD, "Gold", "2025-03-02T09:00:00Z"),
  applied(VIP, "VIP", "2025-03-05T09:00:00Z"),
  // — VIP removed here —
  applied(VIP, "VIP", "2025-03-20T09:00:00Z"),
  applied(NEW, "New", "2025-03-10T12:00:00Z"),
  applied(GOLD, "Gold", "2025-03-15T09:00:00Z"),
];

describe("T6 tag frequency counts each tag's applications to the customer, most applied first", () => {
  it("counts every application in the history, including those before a removal", () => {
    expect(countTagFrequency(history, null)).toEqual([
      { tagId: VIP, name: "VIP", applications: 3, lastAppliedAt: at("2025-03-20T09:00:00Z") },
      { tagId: GOLD, name: "Gold", applications: 2, lastAppliedAt: at("2025-03-15T09:00:00Z") },
      { tagId: NEW, name: "New", applications: 1, lastAppliedAt: at("2025-03-10T12:00:00Z") },
    ]);
  });

  it("lastAppliedAt is the latest application, whatever order the history comes in", () => {
    const [vip] = countTagFrequency([...history].reverse(), null);
    expect(vip).toEqual({
      tagId: VIP,
      name: "VIP",
      applications: 3,
      lastAppliedAt: at("2025-03-20T09:00:00Z"),
    });
  });

  it("ties are ordered by name", () => {
    const tied = [
      applied(NEW, "New", "2025-03-01T00:00:00Z"),
      applied(ALPHA, "Alpha", "2025-03-02T00:00:00Z"),
      applied(GOLD, "Gold", "2025-03-03T00:00:00Z"),
    ];
    expect(countTagFrequency(tied, null).map((f) => f.name)).toEqual(["Alpha", "Gold", "New"]);
  });

  it("no applications → empty list", () => {
    expect(countTagFrequency([], null)).toEqual([]);
  });

  describe("optionally only applications inside [startsAt, endsBefore)", () => {
    const range = { startsAt: at("2025-03-05T09:00:00Z"), endsBefore: at("2025-03-15T09:00:00Z") };

    it("counts only applications in the range", () => {
      expect(countTagFrequency(history, range)).toEqual([
        { tagId: NEW, name: "New", applications: 1, lastAppliedAt: at("2025-03-10T12:00:00Z") },
        { tagId: VIP, name: "VIP", applications: 1, lastAppliedAt: at("2025-03-05T09:00:00Z") },
      ]);
    });

    it.each([
      ["exactly at the start", "2025-03-05T09:00:00.000Z", 1],
      ["1 ms before the start", "2025-03-05T08:59:59.999Z", 0],
      ["1 ms before the end", "2025-03-15T08:59:59.999Z", 1],
      ["exactly at the end", "2025-03-15T09:00:00.000Z", 0],
    ])("an application %s counts %i", (_label, iso, expected) => {
      const result = countTagFrequency([applied(VIP, "VIP", iso)], range);
      expect(result.reduce((n, f) => n + f.applications, 0)).toBe(expected);
    });

    it("lastAppliedAt is the latest application inside the range", () => {
      const gold = countTagFrequency(history, {
        startsAt: at("2025-03-01T00:00:00Z"),
        endsBefore: at("2025-03-10T00:00:00Z"),
      }).find((f) => f.tagId === GOLD);
      expect(gold).toEqual({
        tagId: GOLD,
        name: "Gold",
        applications: 1,
        lastAppliedAt: at("2025-03-02T09:00:00Z"),
      });
    });

    it("a range with nothing in it → empty list", () => {
      const before = {
        startsAt: at("2024-01-01T00:00:00Z"),
        endsBefore: at("2025-01-01T00:00:00Z"),
      };
      expect(countTagFrequency(history, before)).toEqual([]);
    });
  });
});
