import { describe, expect, it } from "vitest";
import {
  ConversationsListInput,
  deleteConversation,
  listConversations,
  listMembers,
  MembersListOutput,
  ROLES,
} from "../../src/index.js";
import { makeWorld, type World } from "../support/fixtures.js";

/** Every page of the team's list, following `nextCursor` to the end. */
const allPages = async (w: World, limit: number, as = w.as("cs_agent")) => {
  const pages = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await w.ok(listConversations(as, { cursor, limit }));
    pages.push(page);
    if (page.nextCursor === null) return pages;
    cursor = page.nextCursor;
  }
};

describe("N1 the team's conversations, most recently active first, a page at a time", () => {
  it("lists by last message, else creation, with name, channel, state and the last message", async () => {
    const w = makeWorld();
    const { line, webchat } = w.customers;
    w.seed.addMessage({
      conversation: line.conversation,
      sender: "customer",
      content: "你好",
      sentAt: new Date("2026-03-09T01:00:00Z"),
    });
    w.seed.addMessage({
      conversation: line.conversation,
      sender: "agent",
      content: `請問訂單編號？${"長".repeat(120)}`,
      sentAt: new Date("2026-03-09T02:00:00Z"),
      agent: w.members.cs_agent,
    });
    w.seed.addMessage({
      conversation: webchat.conversation,
      sender: "customer",
      content: "hello",
      sentAt: new Date("2026-03-10T01:00:00Z"),
    });
    const page = await w.ok(listConversations(w.as("sales"), { limit: 30 }));
    expect(page.conversations.slice(0, 2).map((c) => c.customerName)).toEqual([
      "Visitor 0001",
      "林小美",
    ]);
    const [, first] = page.conversations;
    expect(first).toEqual({
      conversationId: line.conversation.id,
      customerId: line.customer.id,
      customerName: "林小美",
      channel: "line",
      state: "pending",
      active: true,
      assigneeId: null,
      lastMessageAt: new Date("2026-03-09T02:00:00Z"),
      lastMessageSnippet: `請問訂單編號？${"長".repeat(93)}`,
    });
    // Conversations without messages follow, by creation time, ties by id (newest id first).
    const quiet = page.conversations.slice(2);
    expect(quiet.every((c) => c.lastMessageAt === null && c.lastMessageSnippet === null)).toBe(
      true,
    );
    expect(quiet.map((c) => c.conversationId)).toEqual(
      quiet.map((c) => c.conversationId).sort((a, b) => (a < b ? 1 : -1)),
    );
    expect(page.nextCursor).toBeNull();
  });

  it.each([1, 2, 3])("pages of %i cover every conversation once, in order", async (limit) => {
    const w = makeWorld();
    const whole = await w.ok(listConversations(w.as("admin"), { limit: 100 }));
    const pages = await allPages(w, limit);
    expect(pages.every((p) => p.conversations.length <= limit)).toBe(true);
    expect(pages.flatMap((p) => p.conversations)).toEqual(whole.conversations);
    expect(whole.conversations).toHaveLength(5);
  });

  it("answers an empty page for a cursor it never issued", async () => {
    const w = makeWorld();
    const page = await w.ok(listConversations(w.as("admin"), { cursor: "abc", limit: 10 }));
    expect(page).toEqual({ conversations: [], nextCursor: null });
  });

  it("never lists another team's conversations, nor a deleted one", async () => {
    const w = makeWorld();
    const b = await w.ok(listConversations(w.asB(), { limit: 100 }));
    expect(b.conversations.map((c) => c.customerName)).toEqual(["Bob Lin"]);
    await w.ok(
      deleteConversation(w.as("admin"), { conversationId: w.customers.line.conversation.id }),
    );
    const a = await w.ok(listConversations(w.as("admin"), { limit: 100 }));
    expect(a.conversations.map((c) => c.customerName)).not.toContain("林小美");
    expect(a.conversations).toHaveLength(4);
  });

  it("is open to every role and refuses a page size over 100", async () => {
    const w = makeWorld();
    for (const role of ROLES) {
      const page = await w.ok(listConversations(w.as(role, "app"), { limit: 1 }));
      expect(page.conversations).toHaveLength(1);
    }
    expect(ConversationsListInput.safeParse({ limit: 101 }).success).toBe(false);
    expect(ConversationsListInput.parse({})).toEqual({ limit: 30 });
  });
});

describe("N2 the team's members, for the assign picker", () => {
  it("lists the team's members by name with id and role, to every role", async () => {
    const w = makeWorld();
    for (const role of ROLES) {
      const members = await w.ok(listMembers(w.as(role)));
      expect(MembersListOutput.parse(members)).toEqual(members);
      const names = Object.values(w.members).map((m) => m.name);
      expect(members.map((m) => m.name)).toEqual(names.sort());
      expect(members.find((m) => m.role === "admin")).toEqual({
        memberId: w.members.admin.id,
        name: "Alice Admin",
        role: "admin",
      });
    }
  });

  it("never lists another team's members", async () => {
    const w = makeWorld();
    expect(await w.ok(listMembers(w.asB()))).toEqual([
      { memberId: w.memberB.id, name: "Bea B-Admin", role: "admin" },
    ]);
  });
});
