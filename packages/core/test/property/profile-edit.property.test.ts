import { fc, test } from "@fast-check/vitest";
import { Either } from "effect";
import { describe, expect } from "vitest";
import type { FieldChange, Profile } from "../../src/domain/model.js";
import {
  decideProfileEdit,
  type PhoneLock,
  type ProfilePatch,
} from "../../src/rules/profile-edit.js";

const FIELDS = ["displayName", "email", "phone", "note"] as const;
const WA_PHONE = "+886912345678";

// Small value pools so that equal values (no-op edits) come up often.
const displayName = fc.constantFrom("Ada", "王小明", "Ming 😀");
const email = fc.constantFrom(null, "ada@example.com", "ming@example.com");
const phone = fc.constantFrom(null, WA_PHONE, "+886987654321", "+8613800138000");
const note = fc.constantFrom(null, "VIP", "prefers LINE\ncall after 6pm");

const profile: fc.Arbitrary<Profile> = fc.record({ displayName, email, phone, note });
/** A validated patch: any subset of the fields, null clearing the clearable ones. */
const patch: fc.Arbitrary<ProfilePatch> = fc.record(
  { displayName, email, phone, note },
  { requiredKeys: [] },
);

/** The model of P6: the fields whose value the patch makes different, in field order. */
const expectedChanges = (current: Profile, next: Profile): FieldChange[] =>
  FIELDS.filter((f) => current[f] !== next[f]).map((f) => ({
    field: f,
    from: current[f],
    to: next[f],
  }));

describe("P3 a WhatsApp customer's phone never changes, whatever is sent", () => {
  test.prop([
    fc.constantFrom<string | null>(WA_PHONE, null),
    profile,
    fc.array(patch, { maxLength: 20 }),
  ])(
    "folding any sequence of edits keeps the WhatsApp phone; a differing phone rejects the whole edit",
    (lockedPhone, start, patches) => {
      const lock: PhoneLock = { locked: true, phone: lockedPhone };
      let current: Profile = { ...start, phone: lockedPhone };
      for (const p of patches) {
        const result = decideProfileEdit(current, p, lock);
        const changesPhone = p.phone !== undefined && p.phone !== lockedPhone;
        expect(Either.isLeft(result)).toBe(changesPhone);
        if (Either.isLeft(result)) {
          expect(result.left.code).toBe("PHONE_LOCKED");
          continue; // nothing of the edit is written
        }
        expect(result.right.next.phone).toBe(lockedPhone);
        expect(result.right.changes.map((c) => c.field)).not.toContain("phone");
        current = result.right.next;
      }
      expect(current.phone).toBe(lockedPhone);
    },
  );
});

describe("P6 an accepted edit's changes are exactly the fields whose value differs", () => {
  test.prop([profile, patch])(
    "unlocked: next = current ⊕ patch, changes = field diff with from/to",
    (current, p) => {
      const result = decideProfileEdit(current, p, { locked: false });
      if (Either.isLeft(result)) throw new Error("an unlocked edit is never refused");
      const next: Profile = { ...current, ...p };
      expect(result.right.next).toEqual(next);
      expect(result.right.changes).toEqual(expectedChanges(current, next));
    },
  );

  test.prop([profile, patch])(
    "locked: an accepted edit's changes are the diff of the other fields",
    (start, p) => {
      const current = { ...start, phone: WA_PHONE };
      const result = decideProfileEdit(current, p, { locked: true, phone: WA_PHONE });
      if (Either.isLeft(result)) return; // covered by the P3 property above
      const next: Profile = { ...current, ...p, phone: WA_PHONE };
      expect(result.right.next).toEqual(next);
      expect(result.right.changes).toEqual(expectedChanges(current, next));
    },
  );

  test.prop([profile])("sending the profile back unchanged records no change", (current) => {
    const result = decideProfileEdit(current, current, { locked: false });
    expect(Either.isRight(result) && result.right.changes).toEqual([]);
  });
});
