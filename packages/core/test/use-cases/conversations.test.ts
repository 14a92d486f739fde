import { parse } from "csv-parse/sync";
import { Either } from "effect";
import { describe, expect, it } from "vitest";
import {
  applyTag,
  changeConversationState,
  deleteConversation,
  deliverEmailExport,
  exportConversationCsv,
  getPanel,
  ingestMessage,
  ingestOmoBinding,
  ingestPageClosed,
  ingestPageVisit,
  listEvents,
  normaliseTagName,
  type Role,
  requestEmailExport,
  searchConversations,
  setConversationStatus,
  unbindOmo,
} from "../../src/index.js";
import { makeWorld, type World } from "../support/fixtures.js";
import { collectText, expectFailure, failureOf, NOW } from "../support/run.js";

const lineRef = (w: World) => ({
  channel: "line" as const,
  externalUserId: w.customers.line.identity.externalId,
});

/** A short LINE conversation: customer, bot (with a name that must not leak), agent, customer. */
const seedTranscript = (w: World) => {
  const conversation = w.customers.line.conversation;
  const agent = w.members.cs_agent;
  const message = (sender: "customer" | "bot" | "agent", content: string, sentAt: string) =>
    w.seed.addMessage({
      conversation,
      sender,
      content,
      sentAt: new Date(sentAt),
      ...(sender === "customer" ? {} : { agent }),
    });
  message("customer", "你好，我想查訂單", "2026-03-10T01:00:00Z");
  message("bot", "您好！請稍候", "2026-03-10T01:00:01Z");
  message("agent", "您好，我是陳客服, 請問訂單編號？", "2026-03-10T01:05:00Z");
  message("customer", '=HYPERLINK("x")', "2026-03-10T01:06:00Z");
};

describe("E1/E2 each conversation keeps a log of what happened and who was responsible", () => {
  it("logs follow-up, assignment and closing with member names, newest first", async () => {
    const w = makeWorld();
    const conversationId = w.customers.line.conversation.id;
    const carol = w.members.cs_manager;
    await w.ok(
      changeConversationState(w.as("cs_agent"), { conversationId, command: "follow_up" }),
      {
        at: "2026-03-10T02:00:00Z",
      },
    );
    await w.ok(
      changeConversationState(w.as("supervisor"), {
        conversationId,
        command: "assign",
        assigneeId: carol.id,
      }),
      { at: "2026-03-10T02:05:00Z" },
    );
    await w.ok(changeConversationState(w.as("cs_manager"), { conversationId, command: "close" }), {
      at: "2026-03-10T02:10:00Z",
    });
    const page = await w.ok(listEvents(w.as("sales"), { conversationId, limit: 50 }));
    expect(page.nextCursor).toBeNull();
    expect(page.events).toMatchObject([
      { type: "state_changed", from: "in_progress", to: "closed", memberName: carol.name },
      {
        type: "assigned",
        assigneeId: carol.id,
        assigneeName: carol.name,
        memberId: w.members.supervisor.id,
        memberName: "Sam Supervisor",
        at: new Date("2026-03-10T02:05:00Z"),
      },
      { type: "state_changed", from: "pending", to: "in_progress", memberName: "陳客服" },
    ]);
    const panel = await w.ok(getPanel(w.as("sales"), { conversationId }));
    expect(panel.conversation).toMatchObject({
      state: "closed",
      assignee: { id: carol.id, name: carol.name },
    });
  });

  it("pages the log with a cursor", async () => {
    const w = makeWorld();
    const conversationId = w.customers.line.conversation.id;
    const agent = w.as("cs_agent");
    await w.ok(changeConversationState(agent, { conversationId, command: "follow_up" }));
    await w.ok(changeConversationState(agent, { conversationId, command: "close" }));
    await w.ok(changeConversationState(agent, { conversationId, command: "reopen" }));
    const first = await w.ok(listEvents(agent, { conversationId, limit: 2 }));
    expect(first.events.map((e) => e.type === "state_changed" && e.to)).toEqual([
      "in_progress",
      "closed",
    ]);
    expect(first.nextCursor).not.toBeNull();
    const second = await w.ok(
      listEvents(agent, { conversationId, limit: 2, cursor: first.nextCursor ?? undefined }),
    );
    expect(second.events.map((e) => e.type === "state_changed" && [e.from, e.to])).toEqual([
      ["pending", "in_progress"],
    ]);
    expect(second.nextCursor).toBeNull();
  });

  it("refuses a command the state does not allow with INVALID_STATE_TRANSITION", async () => {
    const w = makeWorld();
    const conversationId = w.customers.line.conversation.id;
    await w.ok(changeConversationState(w.as("cs_agent"), { conversationId, command: "close" }));
    const before = structuredClone(w.state.events);
    const exit = await w.exit(
      changeConversationState(w.as("cs_agent"), { conversationId, command: "follow_up" }),
    );
    expect(expectFailure(exit, "INVALID_STATE_TRANSITION")).toMatchObject({ state: "closed" });
    expect(w.state.events).toEqual(before);
    expect(w.seed.conversation(conversationId).state).toBe("closed");
  });

  it("E2 a customer message makes a closed conversation pending, logged without a member", async () => {
    const w = makeWorld();
    const conversationId = w.customers.line.conversation.id;
    await w.ok(changeConversationState(w.as("cs_agent"), { conversationId, command: "close" }));
    await w.ok(
      ingestMessage(w.integrationA, {
        identity: lineRef(w),
        sender: "customer",
        content: "還在嗎",
      }),
    );
    expect(w.seed.conversation(conversationId).state).toBe("pending");
    const page = await w.ok(listEvents(w.as("cs_agent"), { conversationId, limit: 1 }));
    expect(page.events).toMatchObject([
      { type: "state_changed", from: "closed", to: "pending", memberId: null, memberName: null },
    ]);
  });
});

describe("L5/B2 a blocked customer's messages are refused at ingress and not stored", () => {
  it("refuses while blocked, receives again once unblocked, and logs both changes", async () => {
    const w = makeWorld();
    const conversationId = w.customers.line.conversation.id;
    const blocked = await w.ok(
      setConversationStatus(w.as("cs_agent"), { conversationId, active: false }),
    );
    expect(blocked).toEqual({ conversationId, active: false });
    const before = structuredClone({ c: w.state.conversations, m: w.state.messages });
    const changes = w.state.changes.length;
    const refused = await w.exit(
      ingestMessage(w.integrationA, { identity: lineRef(w), sender: "customer", content: "hi" }),
    );
    expectFailure(refused, "CONVERSATION_BLOCKED");
    expect({ c: w.state.conversations, m: w.state.messages }).toEqual(before);
    expect(w.state.changes).toHaveLength(changes);
    // The team's own messages are still recorded.
    await w.ok(
      ingestMessage(w.integrationA, { identity: lineRef(w), sender: "bot", content: "ok" }),
    );
    expect(w.state.messages.map((m) => m.sender)).toEqual(["bot"]);

    await w.ok(setConversationStatus(w.as("cs_agent"), { conversationId, active: true }));
    const received = await w.ok(
      ingestMessage(w.integrationA, { identity: lineRef(w), sender: "customer", content: "hi" }),
    );
    expect(received).toMatchObject({ conversationId, createdConversation: false });
    expect(w.state.messages.map((m) => m.content)).toEqual(["ok", "hi"]);
    const log = await w.ok(listEvents(w.as("cs_agent"), { conversationId, limit: 10 }));
    expect(log.events.map((e) => [e.type, e.memberName])).toEqual([
      ["unblocked", "陳客服"],
      ["blocked", "陳客服"],
    ]);
  });
});

describe("a channel message id is answered once (T8's replay rule, in core)", () => {
  it("a retry replays the first answer and stores nothing; another message with the id is refused", async () => {
    const w = makeWorld();
    const message = {
      identity: lineRef(w),
      sender: "customer" as const,
      content: "你好",
      externalMessageId: "wamid.1",
    };
    const first = await w.ok(ingestMessage(w.integrationA, message));
    expect(first).toMatchObject({ replayed: false, createdConversation: false });
    const stored = structuredClone({ m: w.state.messages, e: w.state.events });
    const changes = w.state.changes.length;
    const retry = await w.ok(ingestMessage(w.integrationA, message));
    expect(retry).toEqual({ ...first, replayed: true });
    expect({ m: w.state.messages, e: w.state.events }).toEqual(stored);
    expect(w.state.changes).toHaveLength(changes);
    const reused = await w.exit(ingestMessage(w.integrationA, { ...message, content: "別的" }));
    expect(expectFailure(reused, "IDEMPOTENCY_KEY_REUSED")).toMatchObject({
      field: "externalMessageId",
    });
    expect({ m: w.state.messages, e: w.state.events }).toEqual(stored);
  });
});

describe("L9/B5 deleting a conversation: admin and supervisor only, erased for good", () => {
  it.each<Role>(["cs_agent", "cs_manager", "sales", "sales_manager"])(
    "%s may not delete",
    async (role) => {
      const w = makeWorld();
      seedTranscript(w);
      const before = structuredClone(w.state);
      const exit = await w.exit(
        deleteConversation(w.as(role), { conversationId: w.customers.line.conversation.id }),
      );
      expectFailure(exit, "ROLE_NOT_ALLOWED");
      expect(w.state).toEqual(before);
    },
  );

  it("erases messages, log and pending exports; keeps profile and tags; answers a receipt", async () => {
    const w = makeWorld();
    const { line } = w.customers;
    const conversationId = line.conversation.id;
    seedTranscript(w);
    await w.ok(setConversationStatus(w.as("cs_agent"), { conversationId, active: false }));
    await w.ok(setConversationStatus(w.as("cs_agent"), { conversationId, active: true }));
    const tag = Either.getOrThrow(normaliseTagName("VIP"));
    await w.ok(
      applyTag(w.as("cs_agent"), {
        customerId: line.customer.id,
        name: tag,
        conversationId,
        confirm: false,
      }),
    );
    await w.ok(requestEmailExport(w.as("admin"), { conversationId, to: "boss@example.com" }));
    const search = (query: string) =>
      w.ok(searchConversations(w.as("cs_agent"), { query, limit: 20 }));
    expect(await search("訂單")).toMatchObject([{ conversationId, snippet: "你好，我想查訂單" }]);
    expect(await search("林小")).toMatchObject([{ conversationId, snippet: null }]);

    const at = "2026-03-10T06:00:00.000Z";
    const receipt = await w.ok(deleteConversation(w.as("admin"), { conversationId }), { at });
    expect(receipt).toEqual({
      conversationId,
      deletedAt: new Date(at),
      deletedBy: { memberId: w.members.admin.id, memberName: "Alice Admin" },
      messages: 4,
      events: 2,
      pendingExports: 1,
      alreadyDeleted: false,
    });
    expect(await search("訂單")).toEqual([]);
    expect(await search("林小")).toEqual([]);
    expect(w.state.messages).toEqual([]);
    expect(w.state.events).toEqual([]);
    expect(w.state.outbox).toEqual([]);
    expectFailure(await w.exit(getPanel(w.as("admin"), { conversationId })), "NOT_FOUND");
    expectFailure(
      await w.exit(listEvents(w.as("admin"), { conversationId, limit: 5 })),
      "NOT_FOUND",
    );
    // The customer's profile and tags remain.
    expect(w.seed.customer(line.customer.id).displayName).toBe("林小美");
    expect([...w.state.customerTags.values()]).toEqual([1]);
    expect(w.state.applications).toHaveLength(1);

    const again = await w.ok(deleteConversation(w.as("supervisor"), { conversationId }), {
      at: "2026-03-11T00:00:00Z",
    });
    expect(again).toEqual({ ...receipt, alreadyDeleted: true });
    expect(w.state.changes.filter((c) => c.kind === "deleted")).toHaveLength(1);
  });

  it("search finds names and message text case-insensitively, in the member's team only", async () => {
    const w = makeWorld();
    const { facebook } = w.customers;
    w.seed.addMessage({
      conversation: facebook.conversation,
      sender: "customer",
      content: "Where is my ORDER #42?",
      sentAt: new Date(NOW),
    });
    const search = (query: string) =>
      w.ok(searchConversations(w.as("cs_agent"), { query, limit: 20 }));
    expect(await search("FRANK")).toMatchObject([
      { conversationId: facebook.conversation.id, customerName: "Frank Chen", snippet: null },
    ]);
    expect(await search("order #42")).toMatchObject([
      { conversationId: facebook.conversation.id, snippet: "Where is my ORDER #42?" },
    ]);
    expect(await search("bob lin")).toEqual([]);
  });

  it("does not send an email export of a conversation deleted meanwhile", async () => {
    const w = makeWorld();
    const conversationId = w.customers.line.conversation.id;
    await w.ok(requestEmailExport(w.as("admin"), { conversationId, to: "boss@example.com" }));
    const job = w.seed.takeOutboxJob();
    if (job === undefined) throw new Error("no job queued");
    await w.ok(deleteConversation(w.as("admin"), { conversationId }));
    const result = await w.ok(deliverEmailExport(job));
    expect(result).toEqual({ delivered: false, reason: "conversation_gone" });
    expect(w.state.sentEmails).toEqual([]);
  });
});

describe("L7/L8 exporting a conversation: admin, with conversationExport, not from the app", () => {
  const rowsOf = (text: string): string[][] => parse(text, { bom: true });

  it("streams the CSV; the last export time changes only when the download completes", async () => {
    const w = makeWorld();
    const conversationId = w.customers.line.conversation.id;
    seedTranscript(w);
    const download = await w.ok(exportConversationCsv(w.as("admin"), { conversationId }));
    expect(download.fileName).toBe(`conversation-${conversationId}-20260310-100000.csv`);
    expect(rowsOf(await collectText(download.chunks))).toEqual([
      ["time", "sender_type", "name", "content", "utc_offset"],
      ["2026-03-10 09:00:00", "customer", "", "你好，我想查訂單", "+08:00"],
      ["2026-03-10 09:00:01", "bot", "", "您好！請稍候", "+08:00"],
      ["2026-03-10 09:05:00", "agent", "陳客服", "您好，我是陳客服, 請問訂單編號？", "+08:00"],
      ["2026-03-10 09:06:00", "customer", "", '\'=HYPERLINK("x")', "+08:00"],
    ]);
    expect(w.seed.conversation(conversationId).lastExportedAt).toBeNull();
    const completedAt = "2026-03-10T02:01:00.000Z";
    await w.ok(download.complete, { at: completedAt });
    expect(w.seed.conversation(conversationId).lastExportedAt).toEqual(new Date(completedAt));
    const log = await w.ok(listEvents(w.as("admin"), { conversationId, limit: 1 }));
    expect(log.events).toMatchObject([
      { type: "exported", format: "csv", memberName: "Alice Admin" },
    ]);
    const panel = await w.ok(getPanel(w.as("admin"), { conversationId }));
    expect(panel.conversation.lastExportedAt).toEqual(new Date(completedAt));
  });

  it("refuses a supervisor, the app client and a team without the feature", async () => {
    const w = makeWorld();
    const conversationId = w.customers.line.conversation.id;
    const exportAs = (actor: ReturnType<World["as"]>) =>
      w.exit(exportConversationCsv(actor, { conversationId }));
    expectFailure(await exportAs(w.as("supervisor")), "ROLE_NOT_ALLOWED");
    expectFailure(await exportAs(w.as("admin", "app")), "CLIENT_NOT_SUPPORTED");
    expectFailure(
      await w.exit(requestEmailExport(w.as("admin", "app"), { conversationId, to: "a@b.co" })),
      "CLIENT_NOT_SUPPORTED",
    );
    w.seed.setFeatures(w.teamA.id, { conversationExport: false });
    expectFailure(await exportAs(w.as("admin")), "FEATURE_NOT_ENABLED");
    expect(w.state.outbox).toEqual([]);
    expect(w.seed.conversation(conversationId).lastExportedAt).toBeNull();
  });

  it("queues an email export; the worker sends the CSV and sets the last export time", async () => {
    const w = makeWorld();
    const conversationId = w.customers.line.conversation.id;
    seedTranscript(w);
    const queued = await w.ok(
      requestEmailExport(w.as("admin"), { conversationId, to: "boss@example.com" }),
    );
    expect(queued.status).toBe("queued");
    expect(w.state.outbox).toMatchObject([{ exportId: queued.exportId, to: "boss@example.com" }]);
    expect(w.seed.conversation(conversationId).lastExportedAt).toBeNull();
    const job = w.seed.takeOutboxJob();
    if (job === undefined) throw new Error("no job queued");
    const deliveredAt = "2026-03-10T02:03:00.000Z";
    expect(await w.ok(deliverEmailExport(job), { at: deliveredAt })).toEqual({ delivered: true });
    expect(w.state.sentEmails).toHaveLength(1);
    const [email] = w.state.sentEmails;
    expect(email?.to).toBe("boss@example.com");
    expect(email?.fileName).toBe(`conversation-${conversationId}-20260310-100000.csv`);
    expect(rowsOf(email?.content ?? "").map((r) => r[2])).toEqual(["name", "", "", "陳客服", ""]);
    expect(w.seed.conversation(conversationId).lastExportedAt).toEqual(new Date(deliveredAt));
  });

  it("L8 holds at delivery: a job queued before conversationExport was turned off is not sent", async () => {
    const w = makeWorld();
    const conversationId = w.customers.line.conversation.id;
    await w.ok(requestEmailExport(w.as("admin"), { conversationId, to: "boss@example.com" }));
    const job = w.seed.takeOutboxJob();
    if (job === undefined) throw new Error("no job queued");
    w.seed.setFeatures(w.teamA.id, { conversationExport: false });
    expect(await w.ok(deliverEmailExport(job))).toEqual({
      delivered: false,
      reason: "feature_disabled",
    });
    expect(w.state.sentEmails).toEqual([]);
    expect(w.seed.conversation(conversationId).lastExportedAt).toBeNull();
  });

  it("leaves the last export time unchanged when the mailer fails", async () => {
    const w = makeWorld();
    const conversationId = w.customers.line.conversation.id;
    await w.ok(requestEmailExport(w.as("admin"), { conversationId, to: "boss@example.com" }));
    const job = w.seed.takeOutboxJob();
    if (job === undefined) throw new Error("no job queued");
    w.seed.failMailer(new Error("SMTP down"));
    const exit = await w.exit(deliverEmailExport(job));
    expect(failureOf(exit)).toMatchObject({ message: "SMTP down" });
    expect(w.seed.conversation(conversationId).lastExportedAt).toBeNull();
    expect(w.state.sentEmails).toEqual([]);
    expect(w.state.changes.filter((c) => c.kind === "exported")).toEqual([]);
  });
});

describe("O2 OMO unbinding: admin, supervisor, sales, sales_manager; LINE and WhatsApp", () => {
  const bind = (w: World, channel: "line" | "facebook", externalUserId: string) =>
    w.ok(
      ingestOmoBinding(w.integrationA, {
        identity: { channel, externalUserId },
        omoMemberId: "OMO-1",
      }),
    );

  it("lets sales unbind and logs it", async () => {
    const w = makeWorld();
    const { line } = w.customers;
    await bind(w, "line", line.identity.externalId);
    const conversationId = line.conversation.id;
    expectFailure(
      await w.exit(unbindOmo(w.as("cs_agent"), { conversationId })),
      "ROLE_NOT_ALLOWED",
    );
    expect(w.state.omo.size).toBe(1);
    expect(await w.ok(unbindOmo(w.as("sales"), { conversationId }))).toEqual({ unbound: true });
    expect(w.state.omo.size).toBe(0);
    const log = await w.ok(listEvents(w.as("sales"), { conversationId, limit: 1 }));
    expect(log.events).toMatchObject([{ type: "omo_unbound", memberName: "Sally Sales" }]);
    const again = await w.exit(unbindOmo(w.as("sales"), { conversationId }));
    expect(expectFailure(again, "NOT_FOUND")).toMatchObject({ resource: "omo_binding" });
  });

  it("refuses on a Facebook conversation with CHANNEL_NOT_SUPPORTED", async () => {
    const w = makeWorld();
    const { facebook } = w.customers;
    await bind(w, "facebook", facebook.identity.externalId);
    const exit = await w.exit(
      unbindOmo(w.as("admin"), { conversationId: facebook.conversation.id }),
    );
    expectFailure(exit, "CHANNEL_NOT_SUPPORTED");
    expect(w.state.omo.size).toBe(1);
  });
});

describe("L6 closing the page turns the panel to user offline at once", () => {
  it("drops the page link when the visitor closes the page", async () => {
    const w = makeWorld();
    const conversationId = w.customers.webchat.conversation.id;
    const visitorId = "visitor-0001";
    await w.ok(
      ingestPageVisit(w.integrationA, { visitorId, pageUrl: "https://shop.example.com/" }),
    );
    expect(w.seed.conversation(conversationId).presence).toMatchObject({ online: true });
    const closedAt = "2026-03-10T02:30:00.000Z";
    const closed = await w.ok(ingestPageClosed(w.integrationA, { visitorId }), { at: closedAt });
    expect(closed).toEqual({
      conversationId,
      lastPage: { status: "offline", since: new Date(closedAt) },
    });
    expect(w.seed.conversation(conversationId).presence).toEqual({
      online: false,
      since: new Date(closedAt),
    });
    const panel = await w.ok(getPanel(w.as("cs_agent"), { conversationId }));
    expect(panel.lastPage).toEqual({ status: "offline", since: new Date(closedAt) });
    expect(w.state.changes.map((c) => c.kind)).toEqual(["presence", "presence"]);
  });

  it("answers NOT_FOUND for someone who is not a webchat visitor", async () => {
    const w = makeWorld();
    const exit = await w.exit(
      ingestPageClosed(w.integrationA, { visitorId: w.customers.line.identity.externalId }),
    );
    expectFailure(exit, "NOT_FOUND");
  });
});

describe("B6 panel changes are published to the right team only", () => {
  it("tags every change with the team whose data changed", async () => {
    const w = makeWorld();
    const a = w.customers.line.conversation.id;
    const b = w.customers.lineB.conversation.id;
    await w.ok(setConversationStatus(w.as("cs_agent"), { conversationId: a, active: false }));
    await w.ok(changeConversationState(w.asB(), { conversationId: b, command: "follow_up" }));
    await w.ok(
      ingestMessage(w.integrationB, {
        identity: { channel: "line", externalUserId: w.customers.lineB.identity.externalId },
        sender: "customer",
        content: "hello",
      }),
    );
    await w.ok(
      ingestPageVisit(w.integrationA, { visitorId: "visitor-0001", pageUrl: "https://a.example/" }),
    );
    expect(w.state.changes).toEqual([
      {
        teamId: w.teamA.id,
        conversationId: a,
        customerId: w.customers.line.customer.id,
        kind: "status",
        at: new Date(NOW),
      },
      {
        teamId: w.teamB.id,
        conversationId: b,
        customerId: w.customers.lineB.customer.id,
        kind: "state",
        at: new Date(NOW),
      },
      {
        teamId: w.teamB.id,
        conversationId: b,
        customerId: w.customers.lineB.customer.id,
        kind: "message",
        at: new Date(NOW),
      },
      {
        teamId: w.teamA.id,
        conversationId: w.customers.webchat.conversation.id,
        customerId: w.customers.webchat.customer.id,
        kind: "presence",
        at: new Date(NOW),
      },
    ]);
  });
});
