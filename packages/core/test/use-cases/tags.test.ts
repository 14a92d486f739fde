import { Either } from "effect";
import { describe, expect, it } from "vitest";
import {
  applyTag,
  type ConversationId,
  type CustomerId,
  getPanel,
  ingestTag,
  type MemberActor,
  type NormalisedTagName,
  normaliseTagName,
  removeTag,
  suggestTags,
  tagFrequency,
} from "../../src/index.js";
import { makeWorld, randomId, type World } from "../support/fixtures.js";
import { type At, answerOf, expectFailure, successOf } from "../support/run.js";

const name = (raw: string): NormalisedTagName => {
  const parsed = normaliseTagName(raw);
  if (Either.isLeft(parsed)) throw new Error(parsed.left);
  return parsed.right;
};

interface Apply {
  readonly customerId: CustomerId;
  readonly tag: string;
  readonly confirm?: boolean;
  readonly conversationId?: ConversationId;
  readonly idempotencyKey?: string;
  readonly actor?: MemberActor;
  readonly at?: At;
}

const apply = (w: World, a: Apply) =>
  w.exit(
    applyTag(a.actor ?? w.as("cs_agent"), {
      customerId: a.customerId,
      name: name(a.tag),
      confirm: a.confirm ?? false,
      conversationId: a.conversationId,
      idempotencyKey: a.idempotencyKey,
    }),
    a.at === undefined ? {} : { at: a.at },
  );

const applied = async (w: World, a: Apply) => {
  const result = successOf(await apply(w, a));
  if (result.kind !== "applied") throw new Error(`expected applied, got ${result.kind}`);
  return result;
};

describe("T3 adding a typed tag creates the team tag when it does not exist", () => {
  it("creates the tag and applies it once", async () => {
    const w = makeWorld();
    const customerId = w.customers.line.customer.id;
    const result = await applied(w, { customerId, tag: "  VIP   客戶 " });
    expect(result).toMatchObject({ count: 1, repeat: false, replayed: false });
    expect(result.name).toBe("VIP 客戶");
    expect([...w.state.tags.values()]).toEqual([
      { id: result.tagId, teamId: w.teamA.id, name: "VIP 客戶", key: "vip 客戶" },
    ]);
    expect(w.state.applications).toHaveLength(1);
  });

  it("finds the existing tag by key: the first name typed stays the display name", async () => {
    const w = makeWorld();
    const first = await applied(w, { customerId: w.customers.line.customer.id, tag: "VIP" });
    const second = await applied(w, { customerId: w.customers.facebook.customer.id, tag: "vip" });
    expect(second.tagId).toBe(first.tagId);
    expect(second.name).toBe("VIP");
    expect(w.state.tags.size).toBe(1);
  });
});

describe("T4 applying a tag the customer already has asks for confirmation", () => {
  it("answers confirmation_required with the count, then counts 2 when confirmed", async () => {
    const w = makeWorld();
    const customerId = w.customers.line.customer.id;
    await applied(w, { customerId, tag: "VIP" });
    const asked = successOf(await apply(w, { customerId, tag: "vip" }));
    expect(asked).toMatchObject({ kind: "confirmation_required", count: 1, name: "VIP" });
    expect(w.state.applications).toHaveLength(1);
    const confirmed = await applied(w, { customerId, tag: "VIP", confirm: true });
    expect(confirmed).toMatchObject({ count: 2, repeat: true });
    expect(w.state.applications).toHaveLength(2);
    const panel = successOf(
      await w.exit(
        getPanel(w.as("cs_agent"), { conversationId: w.customers.line.conversation.id }),
      ),
    );
    expect(panel.tags).toEqual([{ tagId: confirmed.tagId, name: "VIP", count: 2 }]);
  });

  it("lets bots and rules repeat without asking (only a member can answer the prompt)", async () => {
    const w = makeWorld();
    const customerId = w.customers.line.customer.id;
    await applied(w, { customerId, tag: "VIP" });
    const bot = successOf(
      await w.exit(
        ingestTag(w.integrationA, { customerId, name: name("VIP"), method: "auto_reply" }),
      ),
    );
    expect(bot).toMatchObject({ kind: "applied", count: 2, repeat: true });
  });
});

describe("T5 removing a tag restarts its count; history stays", () => {
  it("re-applies at 1 without confirmation and keeps all three applications", async () => {
    const w = makeWorld();
    const customerId = w.customers.line.customer.id;
    const first = await applied(w, { customerId, tag: "VIP", at: "2026-03-01T02:00:00Z" });
    await applied(w, { customerId, tag: "VIP", confirm: true, at: "2026-03-02T02:00:00Z" });
    const removed = successOf(
      await w.exit(removeTag(w.as("cs_agent"), { customerId, tagId: first.tagId })),
    );
    expect(removed).toEqual({ tagId: first.tagId, name: "VIP", removed: true, previousCount: 2 });
    const panel = successOf(
      await w.exit(
        getPanel(w.as("cs_agent"), { conversationId: w.customers.line.conversation.id }),
      ),
    );
    expect(panel.tags).toEqual([]);
    const again = await applied(w, { customerId, tag: "VIP", at: "2026-03-03T02:00:00Z" });
    expect(again).toMatchObject({ count: 1, repeat: false });
    expect(w.state.applications).toHaveLength(3);
    const frequency = successOf(await w.exit(tagFrequency(w.as("cs_agent"), { customerId })));
    expect(frequency.tags).toMatchObject([{ tagId: first.tagId, name: "VIP", applications: 3 }]);
  });

  it("removing a tag that is not on the customer is harmless", async () => {
    const w = makeWorld();
    const first = await applied(w, { customerId: w.customers.line.customer.id, tag: "VIP" });
    const customerId = w.customers.facebook.customer.id;
    const result = successOf(
      await w.exit(removeTag(w.as("cs_agent"), { customerId, tagId: first.tagId })),
    );
    expect(result).toMatchObject({ removed: false, previousCount: 0 });
  });
});

describe("T6 tag frequency counts applications per tag, optionally in a date range", () => {
  it("counts every application, or only those on team calendar days in the range", async () => {
    const w = makeWorld();
    const customerId = w.customers.line.customer.id;
    // 2026-03-01 23:30 and 2026-03-02 00:30 in Asia/Taipei.
    await applied(w, { customerId, tag: "VIP", at: "2026-03-01T15:30:00Z" });
    await applied(w, { customerId, tag: "VIP", confirm: true, at: "2026-03-01T16:30:00Z" });
    await applied(w, { customerId, tag: "新客", at: "2026-03-05T02:00:00Z" });
    const all = successOf(await w.exit(tagFrequency(w.as("sales"), { customerId })));
    expect(all.range).toBeNull();
    expect(all.tags.map((t) => [t.name, t.applications])).toEqual([
      ["VIP", 2],
      ["新客", 1],
    ]);
    const ranged = successOf(
      await w.exit(
        tagFrequency(w.as("sales"), { customerId, from: "2026-03-02", to: "2026-03-05" }),
      ),
    );
    expect(ranged.range).toEqual({ from: "2026-03-02", to: "2026-03-05" });
    expect(ranged.tags.map((t) => [t.name, t.applications])).toEqual([
      ["VIP", 1],
      ["新客", 1],
    ]);
    expect(ranged.tags[0]?.lastAppliedAt).toEqual(new Date("2026-03-01T16:30:00Z"));
  });
});

describe("T7 every application records when, channel, method and who", () => {
  it("records the conversation's channel and the member for a manual application", async () => {
    const w = makeWorld();
    const { whatsapp } = w.customers;
    const result = await applied(w, {
      customerId: whatsapp.customer.id,
      conversationId: whatsapp.conversation.id,
      tag: "回購",
      at: "2026-03-10T05:00:00Z",
    });
    expect(result.channel).toBe("whatsapp");
    expect(w.state.applications).toEqual([
      {
        id: result.applicationId,
        teamId: w.teamA.id,
        customerId: whatsapp.customer.id,
        tagId: result.tagId,
        appliedAt: new Date("2026-03-10T05:00:00Z"),
        channel: "whatsapp",
        conversationId: whatsapp.conversation.id,
        method: "manual",
        memberId: w.members.cs_agent.id,
      },
    ]);
  });

  it("records no channel outside a conversation and no member for a broadcast", async () => {
    const w = makeWorld();
    const customerId = w.customers.line.customer.id;
    await w.ok(ingestTag(w.integrationA, { customerId, name: name("618"), method: "broadcast" }));
    expect(w.state.applications).toMatchObject([
      { channel: null, conversationId: null, method: "broadcast", memberId: null },
    ]);
  });

  it("refuses a conversation of another customer with NOT_FOUND and stores nothing", async () => {
    const w = makeWorld();
    const exit = await apply(w, {
      customerId: w.customers.line.customer.id,
      conversationId: w.customers.facebook.conversation.id,
      tag: "VIP",
    });
    expect(expectFailure(exit, "NOT_FOUND")).toMatchObject({ resource: "conversation" });
    expect(w.state.tags.size).toBe(0);
    expect(w.state.applications).toEqual([]);
  });
});

describe("T8 a retried request with the same idempotency key counts once", () => {
  it("replays the first answer and counts once; another request with the key is refused", async () => {
    const w = makeWorld();
    const customerId = w.customers.line.customer.id;
    const request = { customerId, tag: "VIP", idempotencyKey: "retry-0001" };
    const first = await applied(w, request);
    const retry = await applied(w, { ...request, at: "2026-03-10T02:00:05Z" });
    expect(retry).toEqual({ ...first, replayed: true });
    expect(w.state.applications).toHaveLength(1);
    expect(w.state.customerTags.get(`${customerId}|${first.tagId}`)).toBe(1);
    expect(w.state.changes.filter((c) => c.kind === "tags")).toHaveLength(1);
    expectFailure(await apply(w, { ...request, tag: "Gold" }), "IDEMPOTENCY_KEY_REUSED");
    expect(w.state.applications).toHaveLength(1);
    expect(w.state.tags.size).toBe(1);
  });

  it("counts N confirmed applications made at the same time exactly N times", async () => {
    const w = makeWorld();
    const customerId = w.customers.line.customer.id;
    await applied(w, { customerId, tag: "VIP" });
    const results = await Promise.all(
      Array.from({ length: 5 }, () => applied(w, { customerId, tag: "VIP", confirm: true })),
    );
    expect(results.map((r) => r.count).sort()).toEqual([2, 3, 4, 5, 6]);
    expect(w.state.applications).toHaveLength(6);
  });

  it("does not remember a confirmation_required answer: the confirmed retry applies", async () => {
    const w = makeWorld();
    const customerId = w.customers.line.customer.id;
    await applied(w, { customerId, tag: "VIP" });
    const asked = successOf(
      await apply(w, { customerId, tag: "VIP", idempotencyKey: "ask-00001" }),
    );
    expect(asked.kind).toBe("confirmation_required");
    // The same key for the same question is still unanswered, so it asks again.
    const askedAgain = successOf(
      await apply(w, { customerId, tag: "VIP", idempotencyKey: "ask-00001" }),
    );
    expect(askedAgain.kind).toBe("confirmation_required");
    expect(w.state.applications).toHaveLength(1);
  });
});

describe("T2 suggestions: prefix matches first, most used first, at most 10", () => {
  it("ranks the team's matching tags", async () => {
    const w = makeWorld();
    const { line, facebook, webchat } = w.customers;
    await applied(w, { customerId: line.customer.id, tag: "Gold VIP" });
    await applied(w, { customerId: facebook.customer.id, tag: "Gold VIP" });
    await applied(w, { customerId: webchat.customer.id, tag: "Gold VIP" });
    await applied(w, { customerId: line.customer.id, tag: "VIP" });
    await applied(w, { customerId: line.customer.id, tag: "VIP Gold" });
    await applied(w, { customerId: facebook.customer.id, tag: "VIP Gold" });
    await applied(w, { customerId: line.customer.id, tag: "Regular" });
    await applied(w, {
      actor: w.asB(),
      customerId: w.customers.lineB.customer.id,
      tag: "VIP from B",
    });
    const suggested = successOf(
      await w.exit(suggestTags(w.as("cs_agent"), { query: "vip", limit: 10 })),
    );
    expect(suggested.map((s) => [s.name, s.uses])).toEqual([
      ["VIP Gold", 2],
      ["VIP", 1],
      ["Gold VIP", 3],
    ]);
    const two = successOf(await w.exit(suggestTags(w.as("cs_agent"), { query: "VIP", limit: 2 })));
    expect(two.map((s) => s.name)).toEqual(["VIP Gold", "VIP"]);
  });

  it("never offers more than 10", async () => {
    const w = makeWorld();
    const customerId = w.customers.line.customer.id;
    for (let i = 0; i < 12; i++) await applied(w, { customerId, tag: `tag ${i}` });
    const all = successOf(await w.exit(suggestTags(w.as("cs_agent"), { query: "", limit: 10 })));
    expect(all).toHaveLength(10);
  });
});

describe("X2 another team's customer answers exactly like a missing one", () => {
  it("gives team B NOT_FOUND for team A's customer and creates no tag anywhere", async () => {
    const w = makeWorld();
    const foreign = await apply(w, {
      actor: w.asB(),
      customerId: w.customers.line.customer.id,
      tag: "VIP",
    });
    const missing = await apply(w, { actor: w.asB(), customerId: randomId(), tag: "VIP" });
    expectFailure(foreign, "NOT_FOUND");
    expect(answerOf(foreign)).toEqual(answerOf(missing));
    expect(w.state.tags.size).toBe(0);
    expect(w.state.applications).toEqual([]);
  });
});
