import { Either } from "effect";
import { describe, expect, it } from "vitest";
import type { Profile } from "../../src/domain/model.js";
import type { Channel } from "../../src/domain/vocabulary.js";
import { whatsAppPhone } from "../../src/rules/phone-number.js";
import {
  decideProfileEdit,
  type PhoneLock,
  type ProfilePatch,
  phoneLockOf,
} from "../../src/rules/profile-edit.js";

const WA_PHONE = "+886912345678";

const whatsAppCustomer: Profile = {
  displayName: "王小明",
  email: "ming@example.com",
  phone: WA_PHONE,
  note: null,
};

const lockedTo = (phone: string | null): PhoneLock => ({ locked: true, phone });
const UNLOCKED: PhoneLock = { locked: false };

const identity = (channel: Channel, waId: string | null = null) => ({ channel, waId });

const decided = (current: Profile, patch: ProfilePatch, lock: PhoneLock) => {
  const result = decideProfileEdit(current, patch, lock);
  if (Either.isLeft(result)) throw new Error(`expected a decision, got ${result.left.code}`);
  return result.right;
};

describe("P3 a WhatsApp id becomes the phone by prefixing + (never by guessing a country)", () => {
  it.each([
    ["886912345678", "+886912345678"],
    ["8613800138000", "+8613800138000"],
    ["14155552671", "+14155552671"],
    ["123456", "+123456"],
    ["123456789012345", "+123456789012345"],
  ])("wa_id %s → %s", (waId, phone) => {
    expect(whatsAppPhone(waId)).toBe(phone);
  });

  it.each([
    ["a national number with a leading 0 (a country would have to be guessed)", "0912345678"],
    ["already prefixed with +", "+886912345678"],
    ["a business-scoped user id", "US.1234567890"],
    ["five digits (too short)", "12345"],
    ["sixteen digits (longer than E.164 allows)", "1234567890123456"],
    ["no wa_id at all", null],
  ])("%s → no phone", (_label, waId) => {
    expect(whatsAppPhone(waId)).toBeNull();
  });
});

describe("P3 a customer with a WhatsApp identity has a locked phone", () => {
  it("a WhatsApp identity with a wa_id locks the phone to that number", () => {
    expect(phoneLockOf([identity("line"), identity("whatsapp", "886912345678")])).toEqual(
      lockedTo("+886912345678"),
    );
  });

  it("a WhatsApp user known only by a business-scoped id is locked with no phone", () => {
    expect(phoneLockOf([identity("whatsapp", null)])).toEqual(lockedTo(null));
  });

  it("with several WhatsApp identities the first with a wa_id gives the phone", () => {
    expect(
      phoneLockOf([
        identity("whatsapp", null),
        identity("whatsapp", "8613800138000"),
        identity("whatsapp", "886912345678"),
      ]),
    ).toEqual(lockedTo("+8613800138000"));
  });

  it.each([
    ["no identities", []],
    ["LINE only", [identity("line")]],
    [
      "every other channel",
      [identity("line"), identity("facebook"), identity("instagram"), identity("webchat")],
    ],
  ])("%s → not locked", (_label, identities) => {
    expect(phoneLockOf(identities)).toEqual(UNLOCKED);
  });
});

describe("P3 an edit that would change a locked phone is rejected whole with PHONE_LOCKED", () => {
  it.each([
    ["another number", { phone: "+886987654321" }],
    ["clearing it", { phone: null }],
    ["another number together with a new name", { displayName: "Ming", phone: "+886987654321" }],
    ["clearing it together with a new note and email", { note: "VIP", email: null, phone: null }],
  ] as const)("%s → PHONE_LOCKED, nothing decided", (_label, patch) => {
    const result = decideProfileEdit(whatsAppCustomer, patch, lockedTo(WA_PHONE));
    if (Either.isRight(result)) throw new Error("expected PHONE_LOCKED");
    expect(result.left.code).toBe("PHONE_LOCKED");
    expect(result.left._tag).toBe("PhoneLocked");
    expect(result.left.field).toBe("phone");
    expect(result.left.message).toBe(
      "The phone number comes from WhatsApp and can not be changed.",
    );
  });

  it("a business-scoped WhatsApp user (no phone) can not be given a phone", () => {
    const current = { ...whatsAppCustomer, phone: null };
    const result = decideProfileEdit(current, { phone: "+886912345678" }, lockedTo(null));
    expect(Either.isLeft(result) && result.left.code).toBe("PHONE_LOCKED");
  });
});

describe("P3 sending the locked phone again is allowed and is not a change", () => {
  it("the same number alone: no changes", () => {
    expect(decided(whatsAppCustomer, { phone: WA_PHONE }, lockedTo(WA_PHONE))).toEqual({
      next: whatsAppCustomer,
      changes: [],
    });
  });

  it("the same number with a new name: only the name changes", () => {
    expect(
      decided(whatsAppCustomer, { displayName: "Ming", phone: WA_PHONE }, lockedTo(WA_PHONE)),
    ).toEqual({
      next: { ...whatsAppCustomer, displayName: "Ming" },
      changes: [{ field: "displayName", from: "王小明", to: "Ming" }],
    });
  });

  it("a business-scoped WhatsApp user: sending null again is not a change", () => {
    const current = { ...whatsAppCustomer, phone: null };
    expect(decided(current, { phone: null, note: "new" }, lockedTo(null))).toEqual({
      next: { ...current, note: "new" },
      changes: [{ field: "note", from: null, to: "new" }],
    });
  });

  it("other fields stay editable for a WhatsApp customer", () => {
    expect(
      decided(whatsAppCustomer, { email: null, note: "called back" }, lockedTo(WA_PHONE)),
    ).toEqual({
      next: { ...whatsAppCustomer, email: null, note: "called back" },
      changes: [
        { field: "email", from: "ming@example.com", to: null },
        { field: "note", from: null, to: "called back" },
      ],
    });
  });
});

describe("P3 the WhatsApp number replaces a phone typed before the identity was linked", () => {
  it("the next edit of any field writes the WhatsApp number and records it as a change", () => {
    const typedEarlier = { ...whatsAppCustomer, phone: "+886987654321" };
    expect(decided(typedEarlier, { note: "VIP" }, lockedTo(WA_PHONE))).toEqual({
      next: { ...typedEarlier, phone: WA_PHONE, note: "VIP" },
      changes: [
        { field: "phone", from: "+886987654321", to: WA_PHONE },
        { field: "note", from: null, to: "VIP" },
      ],
    });
  });
});

describe("P3 customers without a WhatsApp identity edit their phone freely", () => {
  const lineCustomer: Profile = { ...whatsAppCustomer, phone: "+886912345678" };

  it.each([
    ["another number", "+886987654321"],
    ["clearing it", null],
  ])("%s is a change", (_label, phone) => {
    expect(decided(lineCustomer, { phone }, UNLOCKED)).toEqual({
      next: { ...lineCustomer, phone },
      changes: [{ field: "phone", from: "+886912345678", to: phone }],
    });
  });

  it("setting a phone where there was none", () => {
    const current = { ...lineCustomer, phone: null };
    expect(decided(current, { phone: "+8613800138000" }, UNLOCKED).changes).toEqual([
      { field: "phone", from: null, to: "+8613800138000" },
    ]);
  });
});
