import { describe, expect, it } from "vitest";
import {
  type ConversationId,
  getPanel,
  ingestIdentityBound,
  ingestMemberLogin,
  ingestMessage,
  ingestOmoBinding,
  ingestOrders,
  ingestPageVisit,
  setPanelHidden,
} from "../../src/index.js";
import { makeWorld, randomId, WA_ID, type World } from "../support/fixtures.js";
import { answerOf, expectFailure, NOW } from "../support/run.js";

const DAY = 86_400_000;
const daysBefore = (days: number) => new Date(new Date(NOW).getTime() - days * DAY);

const panelOf = (w: World, conversationId: ConversationId, actor = w.as("cs_agent")) =>
  w.ok(getPanel(actor, { conversationId }));

/** The webchat visitor logs in as website member M-1001 (P4) and the shop reports orders (L2). */
const withShopper = async (w: World) => {
  await w.ok(
    ingestMemberLogin(w.integrationA, { visitorId: "visitor-0001", websiteMemberId: "M-1001" }),
  );
  const item = { sku: "SKU-1", name: "茶葉禮盒", quantity: 1, unitPrice: 88000 };
  await w.ok(
    ingestOrders(w.integrationA, {
      websiteMemberId: "M-1001",
      orders: [
        {
          orderId: "O-recent",
          placedAt: daysBefore(10),
          currency: "TWD",
          total: 88000,
          items: [item],
        },
        { orderId: "O-89d", placedAt: daysBefore(89), currency: "TWD", total: 100, items: [item] },
        { orderId: "O-91d", placedAt: daysBefore(91), currency: "TWD", total: 200, items: [item] },
      ],
      cart: { currency: "TWD", items: [item] },
    }),
  );
};

describe("P1 selecting a conversation shows its customer's profile", () => {
  it("shows the conversation's customer, not another one", async () => {
    const w = makeWorld();
    const { line } = w.customers;
    const panel = await panelOf(w, line.conversation.id);
    expect(panel.customer).toMatchObject({
      id: line.customer.id,
      displayName: "林小美",
      email: "mei@example.com",
      phone: null,
      note: null,
    });
    expect(panel.conversation).toMatchObject({
      id: line.conversation.id,
      channel: "line",
      state: "pending",
      active: true,
      assignee: null,
    });
  });
});

describe("P3 a WhatsApp customer's phone is the WhatsApp number", () => {
  it("shows the wa_id as E.164 even when the stored phone says otherwise", async () => {
    const w = makeWorld();
    const { whatsapp } = w.customers;
    w.state.customers.set(whatsapp.customer.id, { ...whatsapp.customer, phone: "+15555550100" });
    const panel = await panelOf(w, whatsapp.conversation.id);
    expect(panel.customer.phone).toBe(`+${WA_ID}`);
  });

  it("fills a new WhatsApp customer's phone from the wa_id at ingestion", async () => {
    const w = makeWorld();
    const stored = await w.ok(
      ingestMessage(w.integrationA, {
        identity: { channel: "whatsapp", externalUserId: "886987654321" },
        sender: "customer",
        content: "你好",
        waId: "886987654321",
      }),
    );
    const panel = await panelOf(w, stored.conversationId);
    expect(panel.customer.phone).toBe("+886987654321");
    expect(w.seed.customer(stored.customerId).phone).toBe("+886987654321");
  });

  it("leaves the phone empty (and locked) for a user known only by a business-scoped id", async () => {
    const w = makeWorld();
    const panel = await panelOf(w, w.customers.whatsappBsuid.conversation.id);
    expect(panel.customer.phone).toBeNull();
    expect(panel.capabilities.editPhone).toMatchObject({
      available: false,
      reasons: [{ kind: "locked", field: "phone", source: "whatsapp" }],
    });
  });
});

describe("P4 the pixel member id is shown only with the pixel feature", () => {
  it("shows the member id the pixel filled in", async () => {
    const w = makeWorld();
    await withShopper(w);
    const panel = await panelOf(w, w.customers.webchat.conversation.id);
    expect(panel.customer.websiteMemberId).toBe("M-1001");
  });

  it("hides it when the team has no pixel, and says why", async () => {
    const w = makeWorld();
    await withShopper(w);
    w.seed.setFeatures(w.teamA.id, { pixel: false });
    const panel = await panelOf(w, w.customers.webchat.conversation.id);
    expect(panel.customer.websiteMemberId).toBeNull();
    expect(panel.capabilities.viewMemberId).toMatchObject({
      available: false,
      reasons: [{ kind: "feature", feature: "pixel" }],
    });
  });
});

describe("P5 each member hides or shows the panel, remembered per member", () => {
  it("remembers the choice for that member only", async () => {
    const w = makeWorld();
    const conversationId = w.customers.line.conversation.id;
    await w.ok(setPanelHidden(w.as("cs_agent"), { hidden: true }));
    expect((await panelOf(w, conversationId, w.as("cs_agent"))).panelHidden).toBe(true);
    expect((await panelOf(w, conversationId, w.as("admin"))).panelHidden).toBe(false);
    await w.ok(setPanelHidden(w.as("cs_agent"), { hidden: false }));
    expect((await panelOf(w, conversationId, w.as("cs_agent"))).panelHidden).toBe(false);
  });
});

describe("L1 bound channels list the same person's other conversations", () => {
  /** M-1001 on webchat (pixel) and on LINE (identity binding); both have written. */
  const boundShopper = async (w: World, options = { lineWrote: true }) => {
    const { line, webchat } = w.customers;
    await withShopper(w);
    await w.ok(
      ingestIdentityBound(w.integrationA, {
        identity: { channel: "line", externalUserId: line.identity.externalId },
        websiteMemberId: "M-1001",
      }),
    );
    const say = (channel: "line" | "webchat", externalUserId: string) =>
      w.ok(
        ingestMessage(w.integrationA, {
          identity: { channel, externalUserId },
          sender: "customer",
          content: "hello",
        }),
      );
    await say("webchat", webchat.identity.externalId);
    if (options.lineWrote) await say("line", line.identity.externalId);
  };

  it("links a bound LINE identity and the webchat member account both ways", async () => {
    const w = makeWorld();
    const { line, webchat, facebook } = w.customers;
    await boundShopper(w);
    const fromLine = await panelOf(w, line.conversation.id);
    expect(fromLine.boundChannels).toEqual([
      {
        conversationId: webchat.conversation.id,
        channel: "webchat",
        websiteMemberId: "M-1001",
        lastMessageAt: new Date(NOW),
      },
    ]);
    const fromWebchat = await panelOf(w, webchat.conversation.id);
    expect(fromWebchat.boundChannels.map((b) => [b.channel, b.conversationId])).toEqual([
      ["line", line.conversation.id],
    ]);
    expect((await panelOf(w, facebook.conversation.id)).boundChannels).toEqual([]);
  });

  it("does not list a bound channel the customer has not written through", async () => {
    const w = makeWorld();
    await boundShopper(w, { lineWrote: false });
    const fromWebchat = await panelOf(w, w.customers.webchat.conversation.id);
    expect(fromWebchat.boundChannels).toEqual([]);
  });

  it("lists nothing before the identity completed binding", async () => {
    const w = makeWorld();
    await withShopper(w);
    await w.ok(
      ingestMessage(w.integrationA, {
        identity: { channel: "line", externalUserId: w.customers.line.identity.externalId },
        sender: "customer",
        content: "hello",
      }),
    );
    expect((await panelOf(w, w.customers.webchat.conversation.id)).boundChannels).toEqual([]);
    expect((await panelOf(w, w.customers.line.conversation.id)).boundChannels).toEqual([]);
  });
});

describe("L2–L4 cart and orders of the last 90 days", () => {
  it("L2/L3 shows a logged-in webchat member's orders of the last 90 days and cart, with pixel", async () => {
    const w = makeWorld();
    await withShopper(w);
    const panel = await panelOf(w, w.customers.webchat.conversation.id);
    expect(panel.commerce?.orders.map((o) => o.orderId)).toEqual(["O-recent", "O-89d"]);
    expect(panel.commerce?.cart?.items).toHaveLength(1);
  });

  it("L3 shows nothing without pixel", async () => {
    const w = makeWorld();
    await withShopper(w);
    w.seed.setFeatures(w.teamA.id, { pixel: false });
    const panel = await panelOf(w, w.customers.webchat.conversation.id);
    expect(panel.commerce).toBeNull();
    expect(panel.capabilities.viewOrders).toMatchObject({ available: false });
  });

  it("L4 shows nothing for a social identity that has not completed binding, then shows its orders", async () => {
    const w = makeWorld();
    const { line } = w.customers;
    await withShopper(w);
    const before = await panelOf(w, line.conversation.id);
    expect(before.commerce).toBeNull();
    expect(before.capabilities.viewOrders).toMatchObject({
      available: false,
      reasons: [{ kind: "binding", channel: "line" }],
    });
    await w.ok(
      ingestIdentityBound(w.integrationA, {
        identity: { channel: "line", externalUserId: line.identity.externalId },
        websiteMemberId: "M-1001",
      }),
    );
    const after = await panelOf(w, line.conversation.id);
    expect(after.commerce?.orders.map((o) => o.orderId)).toEqual(["O-recent", "O-89d"]);
  });
});

describe("L6 the last message page exists only on webchat", () => {
  it("shows the page on webchat and nothing on LINE", async () => {
    const w = makeWorld();
    await w.ok(
      ingestPageVisit(w.integrationA, {
        visitorId: "visitor-0001",
        pageUrl: "https://shop.example.com/p/1",
        pageTitle: "禮盒",
      }),
    );
    const webchat = await panelOf(w, w.customers.webchat.conversation.id);
    expect(webchat.lastPage).toEqual({
      status: "online",
      pageUrl: "https://shop.example.com/p/1",
      pageTitle: "禮盒",
      since: new Date(NOW),
    });
    expect((await panelOf(w, w.customers.line.conversation.id)).lastPage).toBeNull();
  });
});

describe("O1 the OMO section shows only with omo, on LINE and WhatsApp", () => {
  it("shows the binding on LINE", async () => {
    const w = makeWorld();
    const { line } = w.customers;
    expect((await panelOf(w, line.conversation.id)).omo).toEqual({ binding: null });
    await w.ok(
      ingestOmoBinding(w.integrationA, {
        identity: { channel: "line", externalUserId: line.identity.externalId },
        omoMemberId: "OMO-77",
      }),
    );
    expect((await panelOf(w, line.conversation.id)).omo).toEqual({
      binding: { customerId: line.customer.id, omoMemberId: "OMO-77", boundAt: new Date(NOW) },
    });
  });

  it("shows nothing on Facebook, nor without the omo feature", async () => {
    const w = makeWorld();
    expect((await panelOf(w, w.customers.whatsapp.conversation.id)).omo).toEqual({ binding: null });
    expect((await panelOf(w, w.customers.facebook.conversation.id)).omo).toBeNull();
    expect((await panelOf(w, w.customers.webchat.conversation.id)).omo).toBeNull();
    w.seed.setFeatures(w.teamA.id, { omo: false });
    expect((await panelOf(w, w.customers.line.conversation.id)).omo).toBeNull();
    expect((await panelOf(w, w.customers.whatsapp.conversation.id)).omo).toBeNull();
  });
});

describe("X3 the panel says which actions are available and why not", () => {
  it("includes every capability, with the reason of each unavailable one", async () => {
    const w = makeWorld();
    const conversationId = w.customers.line.conversation.id;
    const agent = await panelOf(w, conversationId, w.as("cs_agent"));
    expect(agent.capabilities.exportConversation).toMatchObject({
      available: false,
      reasons: [{ kind: "role", role: "cs_agent", allowedRoles: ["admin"] }],
    });
    expect(agent.capabilities.deleteConversation).toMatchObject({ available: false });
    expect(agent.capabilities.applyTag).toEqual({ available: true });
    const admin = await panelOf(w, conversationId, w.as("admin"));
    expect(admin.capabilities.exportConversation).toEqual({ available: true });
    const fromApp = await panelOf(w, conversationId, w.as("admin", "app"));
    expect(fromApp.capabilities.exportConversation).toMatchObject({
      available: false,
      reasons: [{ kind: "client", client: "app" }],
    });
  });
});

describe("X2 another team's conversation answers exactly like a missing one", () => {
  it("gives team B's member NOT_FOUND for team A's conversation, as for a random id", async () => {
    const w = makeWorld();
    const foreign = await w.exit(
      getPanel(w.asB(), { conversationId: w.customers.line.conversation.id }),
    );
    const missing = await w.exit(getPanel(w.asB(), { conversationId: randomId() }));
    expectFailure(foreign, "NOT_FOUND");
    expect(answerOf(foreign)).toEqual(answerOf(missing));
  });
});
