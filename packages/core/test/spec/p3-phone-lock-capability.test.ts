import { describe, expect, it } from "vitest";
import { CHANNELS, ROLES } from "../../src/domain/vocabulary.js";
import {
  capability,
  denialToError,
  firstDenial,
  PANEL_CAPABILITIES,
} from "../../src/rules/capabilities.js";
import { PLAIN_INPUT } from "../support/capability-inputs.js";

const base = PLAIN_INPUT;

const LOCKED = {
  available: false,
  reasons: [
    {
      kind: "locked",
      field: "phone",
      source: "whatsapp",
      message: "The phone number comes from WhatsApp and can not be changed.",
    },
  ],
};

const combinations = ROLES.flatMap((role) =>
  CHANNELS.flatMap((channel) =>
    [true, false].map((hasWhatsAppIdentity) => ({ role, channel, hasWhatsAppIdentity })),
  ),
);

describe("P3 the phone of a customer with a WhatsApp identity is locked", () => {
  it.each(combinations)(
    "$role on $channel, WhatsApp identity=$hasWhatsAppIdentity",
    ({ role, channel, hasWhatsAppIdentity }) => {
      const input = {
        ...base,
        actor: { role, client: "web" as const },
        conversation: { channel },
        customer: { hasWhatsAppIdentity },
      };
      // Locked by who the customer is, not by which conversation is open.
      expect(capability("editPhone", input)).toEqual(
        hasWhatsAppIdentity ? LOCKED : { available: true },
      );
      // Name, email and note stay editable.
      expect(capability("editProfile", input)).toEqual({ available: true });
    },
  );

  it("refuses a phone edit with PHONE_LOCKED", () => {
    const cap = capability("editPhone", { ...base, customer: { hasWhatsAppIdentity: true } });
    const reason = firstDenial(cap);
    expect(reason && denialToError("profile.edit", reason)).toMatchObject({
      _tag: "PhoneLocked",
      code: "PHONE_LOCKED",
      field: "phone",
    });
  });
});

describe("P4 the pixel member ID is never editable", () => {
  it("offers a capability to see the member ID and none to edit it", () => {
    expect(PANEL_CAPABILITIES.filter((name) => /memberid/i.test(name))).toEqual(["viewMemberId"]);
  });
});
