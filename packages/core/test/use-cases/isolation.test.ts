import { parse } from "csv-parse/sync";
import { type Effect, Either } from "effect";
import { describe, expect, it } from "vitest";
import {
  applyTag,
  type ConversationId,
  type CustomerId,
  changeConversationState,
  deleteConversation,
  deliverEmailExport,
  exportConversationCsv,
  getPanel,
  ingestIdentityBound,
  ingestMemberLogin,
  ingestMessage,
  ingestOmoBinding,
  ingestOrders,
  ingestPageClosed,
  ingestPageVisit,
  ingestTag,
  listEvents,
  type MemberId,
  normaliseTagName,
  removeTag,
  requestEmailExport,
  searchConversations,
  setConversationStatus,
  suggestTags,
  type TagId,
  tagFrequency,
  tagReportRecords,
  tagReportStats,
  unbindOmo,
  updateProfile,
} from "../../src/index.js";
import { makeWorld, randomId, type World } from "../support/fixtures.js";
import type { AllPorts } from "../support/in-memory-ports.js";
import { answerOf, collectText, expectFailure, NOW } from "../support/run.js";

/** The ids a probe aims at: team A's real ones, or ones that exist nowhere. */
interface Target {
  readonly conversationId: ConversationId;
  readonly customerId: CustomerId;
  readonly tagId: TagId;
  readonly memberId: MemberId;
  readonly visitorId: string;
  readonly lineUserId: string;
}

const VIP = Either.getOrThrow(normaliseTagName("VIP"));

/** Gives team A something worth stealing: a tag, an OMO binding, messages, a logged state change. */
const seedTeamA = async (w: World): Promise<Target> => {
  const { line } = w.customers;
  const applied = await w.ok(
    applyTag(w.as("cs_agent"), {
      customerId: line.customer.id,
      name: VIP,
      confirm: false,
      conversationId: line.conversation.id,
    }),
  );
  if (applied.kind !== "applied") throw new Error("seed: tag not applied");
  await w.ok(
    ingestOmoBinding(w.integrationA, {
      identity: { channel: "line", externalUserId: line.identity.externalId },
      omoMemberId: "OMO-A",
    }),
  );
  await w.ok(
    ingestMessage(w.integrationA, {
      identity: { channel: "line", externalUserId: line.identity.externalId },
      sender: "customer",
      content: "秘密訂單 A-1",
    }),
  );
  await w.ok(
    changeConversationState(w.as("cs_agent"), {
      conversationId: line.conversation.id,
      command: "follow_up",
    }),
  );
  return {
    conversationId: line.conversation.id,
    customerId: line.customer.id,
    tagId: applied.tagId,
    memberId: w.members.cs_agent.id,
    visitorId: "visitor-0001",
    lineUserId: line.identity.externalId,
  };
};

const nowhere = (): Target => ({
  conversationId: randomId(),
  customerId: randomId(),
  tagId: randomId(),
  memberId: randomId(),
  visitorId: `visitor-${randomId()}`,
  lineUserId: `U${randomId().replaceAll("-", "")}`,
});

type Probe = (w: World, t: Target) => Effect.Effect<unknown, unknown, AllPorts>;

/** Every member-facing use case that takes an id, as team B's admin, and every ingest as team B. */
const probes: Record<string, Probe> = {
  "panel.get": (w, t) => getPanel(w.asB(), { conversationId: t.conversationId }),
  "profile.update": (w, t) =>
    updateProfile(w.asB(), { customerId: t.customerId, displayName: "Hacked" }),
  "tags.apply": (w, t) => applyTag(w.asB(), { customerId: t.customerId, name: VIP, confirm: true }),
  "tags.apply in a foreign conversation": (w, t) =>
    applyTag(w.asB(), {
      customerId: w.customers.lineB.customer.id,
      conversationId: t.conversationId,
      name: VIP,
      confirm: true,
    }),
  "tags.remove": (w, t) => removeTag(w.asB(), { customerId: t.customerId, tagId: t.tagId }),
  "tags.remove a foreign tag": (w, t) =>
    removeTag(w.asB(), { customerId: w.customers.lineB.customer.id, tagId: t.tagId }),
  "tags.frequency": (w, t) => tagFrequency(w.asB(), { customerId: t.customerId }),
  "conversations.setStatus": (w, t) =>
    setConversationStatus(w.asB(), { conversationId: t.conversationId, active: false }),
  "conversations.changeState": (w, t) =>
    changeConversationState(w.asB(), { conversationId: t.conversationId, command: "close" }),
  "conversations.changeState assigning a foreign member": (w, t) =>
    changeConversationState(w.asB(), {
      conversationId: w.customers.lineB.conversation.id,
      command: "assign",
      assigneeId: t.memberId,
    }),
  "events.list": (w, t) => listEvents(w.asB(), { conversationId: t.conversationId, limit: 50 }),
  "conversations.delete": (w, t) =>
    deleteConversation(w.asB(), { conversationId: t.conversationId }),
  "conversations.export csv": (w, t) =>
    exportConversationCsv(w.asB(), { conversationId: t.conversationId }),
  "conversations.export email": (w, t) =>
    requestEmailExport(w.asB(), { conversationId: t.conversationId, to: "thief@example.com" }),
  "omo.unbind": (w, t) => unbindOmo(w.asB(), { conversationId: t.conversationId }),
  "ingest.pageVisit": (w, t) =>
    ingestPageVisit(w.integrationB, { visitorId: t.visitorId, pageUrl: "https://b.example/" }),
  "ingest.pageClosed": (w, t) => ingestPageClosed(w.integrationB, { visitorId: t.visitorId }),
  "ingest.memberLogin": (w, t) =>
    ingestMemberLogin(w.integrationB, { visitorId: t.visitorId, websiteMemberId: "M-B" }),
  "ingest.identityBound": (w, t) =>
    ingestIdentityBound(w.integrationB, {
      identity: { channel: "line", externalUserId: t.lineUserId },
      websiteMemberId: "M-B",
    }),
  "ingest.omoBinding": (w, t) =>
    ingestOmoBinding(w.integrationB, {
      identity: { channel: "line", externalUserId: t.lineUserId },
      omoMemberId: "OMO-B",
    }),
  "ingest.tag": (w, t) =>
    ingestTag(w.integrationB, { customerId: t.customerId, name: VIP, method: "api" }),
  "ingest.message from a foreign agent": (w, t) =>
    ingestMessage(w.integrationB, {
      identity: { channel: "line", externalUserId: w.customers.lineB.identity.externalId },
      sender: "agent",
      agentId: t.memberId,
      content: "hi",
    }),
};

describe("X2 a foreign id answers exactly like a missing one, and changes nothing", () => {
  it.each(Object.entries(probes))("%s", async (_name, probe) => {
    const w = makeWorld();
    const teamA = await seedTeamA(w);
    const before = structuredClone(w.state);
    const foreign = await w.exit(probe(w, teamA));
    const missing = await w.exit(probe(w, nowhere()));
    expectFailure(foreign, "NOT_FOUND");
    expect(answerOf(foreign)).toEqual(answerOf(missing));
    expect(w.state).toEqual(before);
  });
});

describe("X2 nothing of team A can be read by team B", () => {
  it("suggests none of A's tags and finds none of A's conversations", async () => {
    const w = makeWorld();
    await seedTeamA(w);
    expect(await w.ok(suggestTags(w.asB(), { query: "vip", limit: 10 }))).toEqual([]);
    expect(await w.ok(searchConversations(w.asB(), { query: "林小美", limit: 20 }))).toEqual([]);
    expect(await w.ok(searchConversations(w.asB(), { query: "秘密", limit: 20 }))).toEqual([]);
  });

  it("reports none of A's applications", async () => {
    const w = makeWorld();
    await seedTeamA(w);
    const range = { from: "2026-03-01", to: "2026-03-10" };
    const stats = await w.ok(tagReportStats(w.asB(), range));
    const records = await w.ok(tagReportRecords(w.asB(), range));
    expect(parse(await collectText(stats.chunks), { bom: true })).toEqual([
      ["tag", "applications", "customers"],
    ]);
    expect(parse(await collectText(records.chunks), { bom: true })).toHaveLength(1);
  });

  it("gives B's integration its own customer for the same LINE user id", async () => {
    const w = makeWorld();
    const teamA = await seedTeamA(w);
    const messagesOfA = structuredClone(w.state.messages);
    const stored = await w.ok(
      ingestMessage(w.integrationB, {
        identity: { channel: "line", externalUserId: teamA.lineUserId },
        sender: "customer",
        content: "hello B",
      }),
    );
    expect(stored.createdConversation).toBe(true);
    expect(stored.customerId).not.toBe(teamA.customerId);
    expect(w.seed.conversation(stored.conversationId).teamId).toBe(w.teamB.id);
    expect(w.state.messages.slice(0, messagesOfA.length)).toEqual(messagesOfA);
  });

  it("keeps website member accounts per team: the same member id links nothing across teams", async () => {
    const w = makeWorld();
    await seedTeamA(w);
    const { line } = w.customers;
    // Team A: LINE bound to website member M-1001, who wrote and ordered.
    await w.ok(
      ingestIdentityBound(w.integrationA, {
        identity: { channel: "line", externalUserId: line.identity.externalId },
        websiteMemberId: "M-1001",
      }),
    );
    const item = { sku: "A-SKU", name: "A only", quantity: 1, unitPrice: 100 };
    await w.ok(
      ingestOrders(w.integrationA, {
        websiteMemberId: "M-1001",
        orders: [
          { orderId: "O-1", placedAt: new Date(NOW), currency: "TWD", total: 100, items: [item] },
        ],
        cart: { currency: "TWD", items: [item] },
      }),
    );
    // Team B: a webchat visitor who logs in as a website member with the same id.
    const b = w.seed.addCustomerOn({
      teamId: w.teamB.id,
      displayName: "B visitor",
      channel: "webchat",
      externalId: "visitor-b-1",
    });
    await w.ok(
      ingestMemberLogin(w.integrationB, { visitorId: "visitor-b-1", websiteMemberId: "M-1001" }),
    );
    await w.ok(
      ingestMessage(w.integrationB, {
        identity: { channel: "webchat", externalUserId: "visitor-b-1" },
        sender: "customer",
        content: "hi",
      }),
    );
    const panel = await w.ok(getPanel(w.asB(), { conversationId: b.conversation.id }));
    expect(panel.customer.websiteMemberId).toBe("M-1001");
    expect(panel.boundChannels).toEqual([]);
    expect(panel.commerce).toEqual({ orders: [], cart: null });
    const panelA = await w.ok(getPanel(w.as("admin"), { conversationId: line.conversation.id }));
    expect(panelA.boundChannels).toEqual([]);
    expect(panelA.commerce?.orders.map((o) => o.orderId)).toEqual(["O-1"]);
  });

  it("does not mail A's conversation for a job that names team B", async () => {
    const w = makeWorld();
    const teamA = await seedTeamA(w);
    const result = await w.ok(
      deliverEmailExport({
        exportId: randomId(),
        teamId: w.teamB.id,
        conversationId: teamA.conversationId,
        to: "thief@example.com",
        requestedBy: { memberId: w.memberB.id, memberName: w.memberB.name },
        requestedAt: new Date(),
      }),
    );
    expect(result).toEqual({ delivered: false, reason: "conversation_gone" });
    expect(w.state.sentEmails).toEqual([]);
  });
});
