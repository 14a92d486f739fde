import { randomUUID } from "node:crypto";
import type { ConversationId, CustomerId, TeamId } from "@customer-panel/core";
import { eq } from "drizzle-orm";
import { Effect } from "effect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../src/database.js";
import { makeConversations } from "../src/repositories/conversations.js";
import { makeIngestion } from "../src/repositories/ingestion.js";
import { makeOmo } from "../src/repositories/omo.js";
import * as t from "../src/schema.js";
import { type EngineHandle, engines } from "../src/testing/engines.js";
import { seedCustomer, seedMember, seedTeam } from "../src/testing/seed.js";
import { author, collectRows, expectCode, incoming, ingest, successOf } from "./port-calls.js";

const when = new Date("2025-05-01T00:00:00Z");

/** Every row count a write could change, for "nothing written" comparisons. */
const census = async (db: Db) => ({
  customers: await db.$count(t.customers),
  identities: await db.$count(t.identities),
  boundIdentities: await db.$count(t.identities, eq(t.identities.websiteMemberId, "WM-1")),
  conversations: await db.$count(t.conversations),
  messages: await db.$count(t.messages),
  events: await db.$count(t.conversationEvents),
  omo: await db.$count(t.omoBindings),
});

const item = { sku: "SKU-1", name: "茶葉禮盒", quantity: 2, unitPrice: 68000 };

describe.each(engines)("ingestion on $name", (engine) => {
  let handle: EngineHandle;
  beforeAll(async () => {
    handle = await engine.open();
  });
  afterAll(async () => handle?.dispose());

  describe("E2 find-or-create: a first message creates customer, identity and conversation once", () => {
    it("creates on the first message and finds them on the next; another channel is another customer", async () => {
      const { db } = await handle.fresh();
      const team = await seedTeam(db);
      const agent = await seedMember(db, team, "cs_agent", "Amy");
      const first = successOf(
        await ingest(
          db,
          incoming(team, "U1", { newCustomer: { displayName: "林小姐", phone: null } }),
        ),
      );
      expect(first.createdConversation).toBe(true);
      const [customer] = await db.select().from(t.customers);
      expect(customer).toMatchObject({ id: first.customerId, displayName: "林小姐", teamId: team });
      const reply = incoming(team, "U1", {
        sender: "agent",
        agent: { id: agent as never, name: "Amy" },
        content: "您好，請問需要什麼協助？",
        sentAt: new Date("2025-03-01T00:01:00Z"),
      });
      const second = successOf(await ingest(db, reply));
      expect(second).toMatchObject({
        customerId: first.customerId,
        conversationId: first.conversationId,
        createdConversation: false,
      });
      const transcript = await collectRows(
        makeConversations(db).transcript(team as TeamId, first.conversationId),
      );
      expect(transcript).toMatchObject([
        { sender: "customer", content: "你好", agentName: null },
        { sender: "agent", content: "您好，請問需要什麼協助？", agentName: "Amy" },
      ]);
      const [message] = await db
        .select()
        .from(t.messages)
        .where(eq(t.messages.id, second.messageId));
      expect(message).toMatchObject({ agentId: agent, agentName: "Amy" });
      const conversation = await Effect.runPromise(
        makeConversations(db).get(team as TeamId, first.conversationId),
      );
      expect(conversation).toMatchObject({ state: "pending", channel: "line", active: true });
      const page = await Effect.runPromise(
        makeConversations(db).events(team as TeamId, first.conversationId, {
          cursor: null,
          limit: 10,
        }),
      );
      expect(page?.events).toMatchObject([
        { type: "state_changed", from: null, to: "pending", memberId: null },
      ]);

      const elsewhere = successOf(await ingest(db, incoming(team, "U1", { channel: "facebook" })));
      expect(elsewhere.customerId).not.toBe(first.customerId);
      expect(await db.$count(t.customers)).toBe(2);
    });
  });

  describe("P3 WhatsApp identities keep wa_id and business-scoped id", () => {
    it("stores them for a new customer, and learns a wa_id that was unknown", async () => {
      const { db } = await handle.fresh();
      const team = await seedTeam(db);
      const wa = incoming(team, "886912345678", {
        channel: "whatsapp",
        waId: "886912345678",
        newCustomer: { displayName: "陳先生", phone: "+886912345678" },
      });
      const created = successOf(await ingest(db, wa));
      const [identity] = await db
        .select()
        .from(t.identities)
        .where(eq(t.identities.customerId, created.customerId));
      expect(identity).toMatchObject({ waId: "886912345678", businessScopedId: null });
      const [customer] = await db
        .select()
        .from(t.customers)
        .where(eq(t.customers.id, created.customerId));
      expect(customer?.phone).toBe("+886912345678");

      const bsuid = incoming(team, "TW.bsuid.1", {
        channel: "whatsapp",
        businessScopedId: "TW.bsuid.1",
      });
      const anonymous = successOf(await ingest(db, bsuid));
      successOf(await ingest(db, { ...bsuid, waId: "886900000001" }));
      const [learned] = await db
        .select()
        .from(t.identities)
        .where(eq(t.identities.customerId, anonymous.customerId));
      expect(learned).toMatchObject({ waId: "886900000001", businessScopedId: "TW.bsuid.1" });
    });
  });

  describe("L2 commerce: orders upserted by id, the cart replaced, removed or left alone", () => {
    it("upserts orders and handles the three cart cases", async () => {
      const { db } = await handle.fresh();
      const team = await seedTeam(db);
      const other = await seedTeam(db);
      const ingestion = makeIngestion(db);
      const order = (id: string, total: number) => ({
        id,
        placedAt: when,
        currency: "TWD",
        total,
        items: [item],
        websiteMemberId: "WM-1",
      });
      const cart = { currency: "TWD", items: [item], updatedAt: when };
      const run = (
        teamId: string,
        orders: ReturnType<typeof order>[],
        c: typeof cart | null | undefined,
      ) => Effect.runPromise(ingestion.commerce(teamId as TeamId, "WM-1", orders, c));
      expect(await run(team, [order("O-1", 100), order("O-2", 200)], cart)).toEqual({ orders: 2 });
      expect(await run(team, [order("O-1", 150), order("O-1", 175)], undefined)).toEqual({
        orders: 2,
      });
      await run(other, [order("O-1", 999)], null);
      const mine = await db
        .select()
        .from(t.orders)
        .where(eq(t.orders.teamId, team))
        .orderBy(t.orders.orderId);
      expect(mine.map((o) => [o.orderId, o.total])).toEqual([
        ["O-1", 175],
        ["O-2", 200],
      ]);
      expect(mine[0]?.items).toEqual([item]);
      expect(await db.select().from(t.carts)).toMatchObject([
        { teamId: team, websiteMemberId: "WM-1", items: [item] },
      ]);
      const newer = { currency: "USD", items: [], updatedAt: new Date("2025-05-02T00:00:00Z") };
      await run(team, [], newer);
      expect(await db.select().from(t.carts)).toMatchObject([{ currency: "USD", items: [] }]);
      await run(team, [], null);
      expect(await db.$count(t.carts)).toBe(0);
    });
  });

  describe("L1/L4 identity binding and O1/O2 OMO binding", () => {
    it("identityBound records the website member on the identity", async () => {
      const { db } = await handle.fresh();
      const team = await seedTeam(db);
      const seeded = await seedCustomer(db, team, { channel: "line", externalId: "U1" });
      const identity = successOf(
        await Effect.runPromiseExit(
          makeIngestion(db).identityBound(
            team as TeamId,
            { channel: "line", externalUserId: "U1" },
            "WM-1",
            when,
          ),
        ),
      );
      expect(identity).toMatchObject({
        id: seeded.identityId,
        customerId: seeded.customerId,
        websiteMemberId: "WM-1",
        boundAt: when,
      });
    });

    it("omoBound upserts the customer's binding; unbind removes it and logs omo_unbound", async () => {
      const { db } = await handle.fresh();
      const team = await seedTeam(db);
      const sales = await seedMember(db, team, "sales", "Sam");
      const seeded = await seedCustomer(db, team, { channel: "line", externalId: "U1" });
      const ref = { channel: "line", externalUserId: "U1" } as const;
      const ingestion = makeIngestion(db);
      successOf(
        await Effect.runPromiseExit(ingestion.omoBound(team as TeamId, ref, "OMO-1", when)),
      );
      const later = new Date("2025-05-02T00:00:00Z");
      const binding = successOf(
        await Effect.runPromiseExit(ingestion.omoBound(team as TeamId, ref, "OMO-2", later)),
      );
      expect(binding).toEqual({
        customerId: seeded.customerId,
        omoMemberId: "OMO-2",
        boundAt: later,
      });
      expect(await db.select().from(t.omoBindings)).toMatchObject([
        { customerId: seeded.customerId, omoMemberId: "OMO-2" },
      ]);

      const log = {
        conversationId: seeded.conversationId as ConversationId,
        author: author(sales, "Sam"),
        at: later,
      };
      const omo = makeOmo(db);
      expect(
        await Effect.runPromise(omo.unbind(team as TeamId, seeded.customerId as CustomerId, log)),
      ).toBe(true);
      expect(await db.$count(t.omoBindings)).toBe(0);
      const page = await Effect.runPromise(
        makeConversations(db).events(team as TeamId, seeded.conversationId as ConversationId, {
          cursor: null,
          limit: 10,
        }),
      );
      expect(page?.events).toMatchObject([
        { type: "omo_unbound", memberId: sales, memberName: "Sam", at: later },
      ]);
      expect(
        await Effect.runPromise(omo.unbind(team as TeamId, seeded.customerId as CustomerId, log)),
      ).toBe(false);
      expect(await db.$count(t.conversationEvents)).toBe(1);
    });
  });

  describe("X2 another team's ids answer exactly like random ids and write nothing", () => {
    it("identityBound, omoBound, presence and unbind on foreign or random ids", async () => {
      const { db } = await handle.fresh();
      const team = await seedTeam(db);
      const other = await seedTeam(db);
      const theirs = await seedCustomer(db, other, { channel: "webchat", externalId: "V1" });
      await db.insert(t.omoBindings).values({
        teamId: other,
        customerId: theirs.customerId,
        omoMemberId: "OMO-9",
        boundAt: when,
      });
      const ingestion = makeIngestion(db);
      const before = await census(db);
      const answers: unknown[] = [];
      for (const externalUserId of ["V1", randomUUID()]) {
        const ref = { channel: "webchat", externalUserId } as const;
        const bound = await Effect.runPromiseExit(
          ingestion.identityBound(team as TeamId, ref, "WM-1", when),
        );
        expectCode(bound, "NOT_FOUND");
        const omoBound = await Effect.runPromiseExit(
          ingestion.omoBound(team as TeamId, ref, "OMO-1", when),
        );
        expectCode(omoBound, "NOT_FOUND");
        const presence = await Effect.runPromiseExit(
          ingestion.lockVisitorConversation(team as TeamId, externalUserId),
        );
        expectCode(presence, "NOT_FOUND");
        answers.push([bound, omoBound, presence].map((exit) => JSON.stringify(exit)));
      }
      // The answers are the same, word for word, for a foreign and for a random id.
      expect(answers[0]).toEqual(answers[1]);
      for (const [customerId, conversationId] of [
        [theirs.customerId, theirs.conversationId],
        [randomUUID(), randomUUID()],
      ]) {
        const log = {
          conversationId: conversationId as ConversationId,
          author: author(null, null),
          at: when,
        };
        expect(
          await Effect.runPromise(
            makeOmo(db).unbind(team as TeamId, customerId as CustomerId, log),
          ),
        ).toBe(false);
      }
      expect(await census(db)).toEqual(before);
    });
  });
});
