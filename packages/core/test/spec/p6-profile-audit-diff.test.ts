import { Either } from "effect";
import { describe, expect, it } from "vitest";
import type { Profile } from "../../src/domain/model.js";
import { decideProfileEdit, type ProfilePatch } from "../../src/rules/profile-edit.js";

const current: Profile = {
  displayName: "王小明",
  email: "ming@example.com",
  phone: "+886912345678",
  note: null,
};

const changesOf = (patch: ProfilePatch) => {
  const result = decideProfileEdit(current, patch, { locked: false });
  if (Either.isLeft(result)) throw new Error(`unexpected ${result.left.code}`);
  return result.right.changes;
};

describe("P6 a profile edit yields the audit diff: changed fields only, old and new values", () => {
  it.each([
    [
      "display name",
      { displayName: "Ming" },
      [{ field: "displayName", from: "王小明", to: "Ming" }],
    ],
    [
      "email",
      { email: "m@example.org" },
      [{ field: "email", from: "ming@example.com", to: "m@example.org" }],
    ],
    [
      "phone",
      { phone: "+8613800138000" },
      [{ field: "phone", from: "+886912345678", to: "+8613800138000" }],
    ],
    ["note (set from empty)", { note: "VIP" }, [{ field: "note", from: null, to: "VIP" }]],
    ["email cleared", { email: null }, [{ field: "email", from: "ming@example.com", to: null }]],
  ] as const)("one field changed: %s", (_label, patch, expected) => {
    expect(changesOf(patch)).toEqual(expected);
  });

  it("several fields are listed in the order displayName, email, phone, note", () => {
    // Keys given in reverse order: the diff order does not follow the patch.
    expect(
      changesOf({ note: "VIP", phone: null, email: "m@example.org", displayName: "Ming" }),
    ).toEqual([
      { field: "displayName", from: "王小明", to: "Ming" },
      { field: "email", from: "ming@example.com", to: "m@example.org" },
      { field: "phone", from: "+886912345678", to: null },
      { field: "note", from: null, to: "VIP" },
    ]);
  });

  it("fields sent with their current value are left out", () => {
    expect(
      changesOf({
        displayName: "王小明",
        email: "ming@example.com",
        phone: "+886912345678",
        note: "VIP",
      }),
    ).toEqual([{ field: "note", from: null, to: "VIP" }]);
  });

  it.each([
    ["the same values again", { displayName: "王小明", email: "ming@example.com", note: null }],
    ["clearing a field that is already empty", { note: null }],
    ["an empty patch", {}],
  ] as const)("no change → empty list (%s)", (_label, patch) => {
    expect(changesOf(patch)).toEqual([]);
  });

  it("the decided profile is the current one with the changes applied", () => {
    const result = decideProfileEdit(
      current,
      { displayName: "Ming", note: "VIP" },
      { locked: false },
    );
    expect(Either.isRight(result) && result.right.next).toEqual({
      displayName: "Ming",
      email: "ming@example.com",
      phone: "+886912345678",
      note: "VIP",
    });
  });
});
