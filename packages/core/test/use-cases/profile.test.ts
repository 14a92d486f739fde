import { Either } from "effect";
import { describe, expect, it } from "vitest";
import {
  type CustomerId,
  ingestMemberLogin,
  ProfileUpdateInput,
  parseInput,
  updateProfile,
} from "../../src/index.js";
import { makeWorld, WA_ID, type World } from "../support/fixtures.js";
import { expectFailure, failureOf, NOW, successOf } from "../support/run.js";

/** `profile.update` as the router runs it: parse at the edge, then the use case. */
const update = (w: World, raw: Record<string, unknown>, actor = w.as("cs_agent")) => {
  const input = parseInput(ProfileUpdateInput, raw);
  if (Either.isLeft(input)) throw input.left;
  return w.exit(updateProfile(actor, input.right));
};

describe("P2 profile edits are validated; phone stored in E.164; empty clears", () => {
  it("trims the name, normalises the phone to E.164 and clears the note with an empty string", async () => {
    const w = makeWorld();
    const { facebook } = w.customers;
    w.state.customers.set(facebook.customer.id, { ...facebook.customer, note: "old note" });
    successOf(
      await update(w, {
        customerId: facebook.customer.id,
        displayName: "  Frank C.  ",
        email: "frank@example.com",
        phone: "+886 912-345-678",
        note: "",
      }),
    );
    expect(w.seed.customer(facebook.customer.id)).toMatchObject({
      displayName: "Frank C.",
      email: "frank@example.com",
      phone: "+886912345678",
      note: null,
    });
  });

  it("refuses bad input naming every offending field, before anything is written", () => {
    const w = makeWorld();
    const before = structuredClone(w.state.customers);
    const parsed = parseInput(ProfileUpdateInput, {
      customerId: w.customers.facebook.customer.id,
      displayName: "   ",
      email: "not-an-email",
      phone: "0912345678",
    });
    expect(Either.isLeft(parsed)).toBe(true);
    if (Either.isRight(parsed)) return;
    expect(parsed.left.code).toBe("VALIDATION_FAILED");
    expect(parsed.left.issues.map((i) => i.field).sort()).toEqual([
      "displayName",
      "email",
      "phone",
    ]);
    expect(w.state.customers).toEqual(before);
  });
});

describe("P3 a WhatsApp customer's phone can not be changed", () => {
  it("refuses the whole edit with PHONE_LOCKED and writes nothing", async () => {
    const w = makeWorld();
    const { whatsapp } = w.customers;
    const before = structuredClone(w.state.customers);
    const exit = await update(w, {
      customerId: whatsapp.customer.id,
      displayName: "Another Name",
      phone: "+886900000000",
    });
    expectFailure(exit, "PHONE_LOCKED");
    expect(failureOf(exit)).toMatchObject({ field: "phone" });
    expect(w.state.customers).toEqual(before);
    expect(w.state.audit).toEqual([]);
    expect(w.state.changes).toEqual([]);
  });

  it("accepts the same number again: it is not a change", async () => {
    const w = makeWorld();
    const { whatsapp } = w.customers;
    const result = successOf(
      await update(w, {
        customerId: whatsapp.customer.id,
        displayName: "王小明",
        phone: `+${WA_ID}`,
      }),
    );
    expect(result.changes).toEqual([{ field: "displayName", from: "王大明", to: "王小明" }]);
  });

  it("locks an empty phone too when the WhatsApp user has only a business-scoped id", async () => {
    const w = makeWorld();
    const customerId = w.customers.whatsappBsuid.customer.id;
    expectFailure(await update(w, { customerId, phone: "+886900000000" }), "PHONE_LOCKED");
    const cleared = successOf(await update(w, { customerId, phone: "", note: "VIP" }));
    expect(cleared.changes).toEqual([{ field: "note", from: null, to: "VIP" }]);
    expect(w.seed.customer(customerId).phone).toBeNull();
  });
});

describe("P6 every profile change is audited: who, when, which fields, old and new", () => {
  it("records one entry with the field diff and the author", async () => {
    const w = makeWorld();
    const { line } = w.customers;
    const at = "2026-03-10T03:15:00.000Z";
    const exit = await w.exit(
      updateProfile(w.as("cs_manager"), {
        customerId: line.customer.id,
        email: "mei.lin@example.com",
        note: "喜歡綠茶",
        displayName: "林小美",
      }),
      { at },
    );
    successOf(exit);
    expect(w.state.audit).toEqual([
      {
        customerId: line.customer.id,
        at: new Date(at),
        author: { memberId: w.members.cs_manager.id, memberName: "Carol CS Manager" },
        changes: [
          { field: "email", from: "mei@example.com", to: "mei.lin@example.com" },
          { field: "note", from: null, to: "喜歡綠茶" },
        ],
      },
    ]);
    expect(w.state.changes).toEqual([
      {
        teamId: w.teamA.id,
        conversationId: null,
        customerId: line.customer.id,
        kind: "profile",
        at: new Date(at),
      },
    ]);
  });

  it("writes no entry for an edit that changes nothing", async () => {
    const w = makeWorld();
    const { line } = w.customers;
    successOf(await update(w, { customerId: line.customer.id, displayName: "林小美" }));
    expect(w.state.audit).toEqual([]);
    expect(w.state.changes).toEqual([]);
  });

  it("answers NOT_FOUND for an unknown customer", async () => {
    const w = makeWorld();
    const customerId = crypto.randomUUID() as CustomerId;
    expectFailure(
      await w.exit(updateProfile(w.as("admin"), { customerId, displayName: "x" })),
      "NOT_FOUND",
    );
  });
});

describe("P4 the pixel fills the website member id only with the pixel feature", () => {
  const login = { visitorId: "visitor-0001", websiteMemberId: "M-2002" };

  it("fills it with pixel", async () => {
    const w = makeWorld();
    const result = successOf(await w.exit(ingestMemberLogin(w.integrationA, login)));
    expect(result).toEqual({
      customerId: w.customers.webchat.customer.id,
      filled: true,
      websiteMemberId: "M-2002",
    });
    expect(w.seed.customer(w.customers.webchat.customer.id).memberId).toBe("M-2002");
    expect(w.state.changes).toMatchObject([{ kind: "profile", at: new Date(NOW) }]);
  });

  it("leaves it empty without pixel", async () => {
    const w = makeWorld();
    w.seed.setFeatures(w.teamA.id, { pixel: false });
    const result = successOf(await w.exit(ingestMemberLogin(w.integrationA, login)));
    expect(result).toMatchObject({ filled: false, websiteMemberId: null });
    expect(w.seed.customer(w.customers.webchat.customer.id).memberId).toBeNull();
    expect(w.state.changes).toEqual([]);
  });

  it("does not let a member edit it: the profile input has no memberId", () => {
    const w = makeWorld();
    const parsed = parseInput(ProfileUpdateInput, {
      customerId: w.customers.webchat.customer.id,
      memberId: "M-evil",
    });
    expect(Either.isLeft(parsed)).toBe(true);
  });

  it("answers NOT_FOUND for an unknown visitor", async () => {
    const w = makeWorld();
    expectFailure(
      await w.exit(ingestMemberLogin(w.integrationA, { ...login, visitorId: "nobody" })),
      "NOT_FOUND",
    );
  });
});
