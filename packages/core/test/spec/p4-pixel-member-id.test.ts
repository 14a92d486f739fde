import { Either } from "effect";
import { describe, expect, it } from "vitest";
import type { PlanFeatures } from "../../src/domain/model.js";
import { decideMemberIdFill } from "../../src/rules/pixel-member-id.js";
import { ProfileUpdateInput } from "../../src/schemas/operations.js";
import { parseInput } from "../../src/schemas/parse-input.js";

const withPixel: PlanFeatures = { pixel: true, omo: false, conversationExport: false };
/** Every other feature on: none of them stands in for pixel. */
const withoutPixel: PlanFeatures = { pixel: false, omo: true, conversationExport: true };

describe("P4 the pixel fills a logged-in website member's id into the profile, only with `pixel`", () => {
  it.each([
    ["pixel on", withPixel, "no member id yet", null, { kind: "fill", memberId: "M-1001" }],
    [
      "pixel on",
      withPixel,
      "the same member id",
      "M-1001",
      { kind: "ignore", reason: "unchanged" },
    ],
    [
      "pixel on",
      withPixel,
      "another member id (latest login wins)",
      "M-0007",
      { kind: "fill", memberId: "M-1001" },
    ],
    ["pixel off", withoutPixel, "no member id yet", null, { kind: "ignore", reason: "no_pixel" }],
    [
      "pixel off",
      withoutPixel,
      "the same member id",
      "M-1001",
      { kind: "ignore", reason: "no_pixel" },
    ],
    [
      "pixel off",
      withoutPixel,
      "another member id",
      "M-0007",
      { kind: "ignore", reason: "no_pixel" },
    ],
  ] as const)("%s, profile has %s: tracked M-1001 → %j", (_p, features, _c, current, expected) => {
    expect(decideMemberIdFill(features, current, "M-1001")).toEqual(expected);
  });

  it("members can not edit the member id: profile.update refuses the key", () => {
    const result = parseInput(ProfileUpdateInput, {
      customerId: "00000000-0000-4000-8000-000000000001",
      displayName: "Ada",
      memberId: "M-1001",
    });
    expect(Either.isLeft(result) && result.left.code).toBe("VALIDATION_FAILED");
    expect(Either.isLeft(result) && result.left.message).toContain("memberId");
  });
});
