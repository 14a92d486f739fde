import { randomUUID } from "node:crypto";
import {
  ConversationBlocked,
  type ConversationEvent,
  type ConversationId,
  decideStateCommand,
  decideStatusChange,
  type StateCommand,
  type TeamId,
} from "@customer-panel/core";
import { eq } from "drizzle-orm";
import { Effect, Either } from "effect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../src/database.js";
import { makeConversations } from "../src/repositories/conversations.js";
import { makeIngestion } from "../src/repositories/ingestion.js";
import { makeTransactions } from "../src/repositories/transactions.js";
import * as t from "../src/schema.js";
import { type EngineHandle, engines } from "../src/testing/engines.js";
import { seedCustomer, seedMember, seedTeam } from "../src/testing/seed.js";
import {
  author,
  expectCode,
  incoming,
  ingest,
  outcomeOf,
  successOf,
  updateOn,
} from "./port-calls.js";

const at = (iso: string) => new Date(iso);

/** Runs one E2 command through `update`, as the use case does. */
const command = (
  db: Db,
  teamId: string,
  id: string,
  cmd: StateCommand,
  who = author(null, null),
  when = at("2025-03-01T00:00:00Z"),
) =>
  updateOn(
    db,
    teamId,
    id,
    (c) =>
      Either.map(decideStateCommand(c, cmd), (d) => ({
        state: d.state,
        assigneeId: d.assigneeId,
        events: d.events,
      })),
    { author: who, at: when },
  );

const page = (db: Db, teamId: string, id: string, cursor: string | null, limit: number) =>
  Effect.runPromise(
    makeConversations(db).events(teamId as TeamId, id as ConversationId, { cursor, limit }),
  );

describe.each(engines)("conversations on $name", (engine) => {
  let handle: EngineHandle;
  beforeAll(async () => {
    handle = await engine.open();
  });
  afterAll(async () => handle?.dispose());

  describe("E1/E2 state changes are logged with who and when, newest first", () => {
    it("follow up, assign and close write the state and one entry each, named", async () => {
      const { db } = await handle.fresh();
      const team = await seedTeam(db);
      const amy = await seedMember(db, team, "cs_agent", "Amy");
      const ben = await seedMember(db, team, "cs_agent", "Ben");
      const { conversationId } = await seedCustomer(db, team);
      const byAmy = author(amy, "Amy");
      successOf(
        await command(
          db,
          team,
          conversationId,
          { type: "follow_up" },
          byAmy,
          at("2025-03-01T01:00:00Z"),
        ),
      );
      successOf(
        await command(
          db,
          team,
          conversationId,
          { type: "assign", assigneeId: ben as never, assigneeName: "Ben" },
          byAmy,
          at("2025-03-01T02:00:00Z"),
        ),
      );
      const closed = successOf(
        await command(
          db,
          team,
          conversationId,
          { type: "close" },
          author(ben, "Ben"),
          at("2025-03-01T03:00:00Z"),
        ),
      );
      expect(closed).toMatchObject({ state: "closed", assigneeId: ben, active: true });

      const first = await page(db, team, conversationId, null, 10);
      expect(first?.nextCursor).toBeNull();
      const entries = (first?.events ?? []).map(({ id: _id, conversationId: _c, ...rest }) => rest);
      expect(entries).toEqual([
        {
          type: "state_changed",
          from: "in_progress",
          to: "closed",
          at: at("2025-03-01T03:00:00Z"),
          memberId: ben,
          memberName: "Ben",
        },
        {
          type: "assigned",
          assigneeId: ben,
          assigneeName: "Ben",
          at: at("2025-03-01T02:00:00Z"),
          memberId: amy,
          memberName: "Amy",
        },
        {
          type: "state_changed",
          from: "pending",
          to: "in_progress",
          at: at("2025-03-01T01:00:00Z"),
          memberId: amy,
          memberName: "Amy",
        },
      ]);
    });

    it("pages newest first with an opaque cursor, every entry once; a junk cursor gives an empty page", async () => {
      const { db } = await handle.fresh();
      const team = await seedTeam(db);
      const { conversationId } = await seedCustomer(db, team);
      // Five entries alternating block/unblock, all at the same instant: only seq orders them.
      for (let i = 0; i < 5; i++) {
        successOf(
          await updateOn(
            db,
            team,
            conversationId,
            (c) => {
              const d = decideStatusChange(c, !c.active);
              return Either.right({ active: d.active, events: d.event ? [d.event] : [] });
            },
            { author: author(null, `step ${i}`), at: at("2025-03-01T00:00:00Z") },
          ),
        );
      }
      const seen: ConversationEvent[] = [];
      let cursor: string | null = null;
      const sizes: number[] = [];
      do {
        const p = await page(db, team, conversationId, cursor, 2);
        if (p === null) throw new Error("page of an existing conversation was null");
        sizes.push(p.events.length);
        seen.push(...p.events);
        cursor = p.nextCursor;
      } while (cursor !== null);
      expect(sizes).toEqual([2, 2, 1]);
      expect(seen.map((e) => e.memberName)).toEqual([
        "step 4",
        "step 3",
        "step 2",
        "step 1",
        "step 0",
      ]);
      expect(seen.map((e) => e.type)).toEqual([
        "blocked",
        "unblocked",
        "blocked",
        "unblocked",
        "blocked",
      ]);
      for (const junk of ["abc", "-1", "1 or 1=1", "", "99999999999999999999"]) {
        expect(await page(db, team, conversationId, junk, 2)).toEqual({
          events: [],
          nextCursor: null,
        });
      }
    });

    it("a refused decision writes nothing; a missing or foreign conversation is NOT_FOUND / null", async () => {
      const { db } = await handle.fresh();
      const team = await seedTeam(db);
      const other = await seedTeam(db);
      const { conversationId } = await seedCustomer(db, team);
      expectCode(
        await command(db, team, conversationId, { type: "reopen" }),
        "INVALID_STATE_TRANSITION",
      );
      expect((await page(db, team, conversationId, null, 10))?.events).toEqual([]);
      expectCode(await command(db, other, conversationId, { type: "follow_up" }), "NOT_FOUND");
      expectCode(await command(db, team, randomUUID(), { type: "follow_up" }), "NOT_FOUND");
      expect(await page(db, other, conversationId, null, 10)).toBeNull();
      expect(await page(db, team, randomUUID(), null, 10)).toBeNull();
      const conversations = makeConversations(db);
      expect(
        await Effect.runPromise(
          conversations.get(other as TeamId, conversationId as ConversationId),
        ),
      ).toBeNull();
      const [row] = await db
        .select()
        .from(t.conversations)
        .where(eq(t.conversations.id, conversationId));
      expect(row?.state).toBe("pending");
    });

    it("writes only the fields the update names", async () => {
      const { db } = await handle.fresh();
      const team = await seedTeam(db);
      const ben = await seedMember(db, team, "cs_agent", "Ben");
      const { conversationId } = await seedCustomer(db, team, { state: "in_progress" });
      await db
        .update(t.conversations)
        .set({ assigneeId: ben })
        .where(eq(t.conversations.id, conversationId));
      const exportedAt = at("2025-04-01T00:00:00Z");
      const updated = successOf(
        await updateOn(
          db,
          team,
          conversationId,
          () =>
            Either.right({
              lastExportedAt: exportedAt,
              events: [{ type: "exported", format: "csv" }],
            }),
          { author: author(null, null), at: exportedAt },
        ),
      );
      expect(updated).toMatchObject({
        state: "in_progress",
        assigneeId: ben,
        active: true,
        lastExportedAt: exportedAt,
      });
      expect((await page(db, team, conversationId, null, 10))?.events).toMatchObject([
        { type: "exported", format: "csv" },
      ]);
    });
  });

  describe("L5/B2 blocking refuses the customer's messages at ingress and stores nothing", () => {
    it("after a block via update, a customer message is CONVERSATION_BLOCKED and not stored; the team's still are", async () => {
      const { db } = await handle.fresh();
      const team = await seedTeam(db);
      const agent = await seedMember(db, team, "cs_agent", "Amy");
      const { conversationId } = await seedCustomer(db, team, { externalId: "U1" });
      const blocked = successOf(
        await updateOn(
          db,
          team,
          conversationId,
          (c) => {
            const d = decideStatusChange(c, false);
            return Either.right({ active: d.active, events: d.event ? [d.event] : [] });
          },
          { author: author(agent, "Amy"), at: at("2025-03-01T00:00:00Z") },
        ),
      );
      expect(blocked.active).toBe(false);
      expect((await page(db, team, conversationId, null, 10))?.events).toMatchObject([
        { type: "blocked", memberName: "Amy" },
      ]);
      expectCode(
        await ingest(db, incoming(team, "U1", { content: "還在嗎" })),
        "CONVERSATION_BLOCKED",
      );
      expect(await db.$count(t.messages)).toBe(0);
      const reply = incoming(team, "U1", {
        sender: "agent",
        agent: { id: agent as never, name: "Amy" },
      });
      expect(outcomeOf(await ingest(db, reply))).toBe("SUCCESS");
      expect(await db.$count(t.messages)).toBe(1);
    });

    it("a refusal for a brand-new sender leaves no customer, identity, conversation or message", async () => {
      const { db } = await handle.fresh();
      const team = await seedTeam(db);
      await seedCustomer(db, team);
      const before = [
        await db.$count(t.customers),
        await db.$count(t.identities),
        await db.$count(t.conversations),
        await db.$count(t.messages),
      ];
      // The refusal comes after the new customer and identity were written in the transaction.
      const ingestion = makeIngestion(db);
      const refuse = await Effect.runPromiseExit(
        makeTransactions(db).withTransaction(
          Effect.zipRight(
            ingestion.lockSender(incoming(team, "NEW")),
            Effect.fail(ConversationBlocked.make()),
          ),
        ),
      );
      expectCode(refuse, "CONVERSATION_BLOCKED");
      const after = [
        await db.$count(t.customers),
        await db.$count(t.identities),
        await db.$count(t.conversations),
        await db.$count(t.messages),
      ];
      expect(after).toEqual(before);
    });
  });

  describe("E2 a customer message makes a closed conversation pending", () => {
    it("reopens as pending with a state_changed entry from the customer (no member)", async () => {
      const { db } = await handle.fresh();
      const team = await seedTeam(db);
      const { conversationId } = await seedCustomer(db, team, {
        externalId: "U1",
        state: "closed",
      });
      const stored = successOf(
        await ingest(db, incoming(team, "U1", { sentAt: at("2025-03-02T00:00:00Z") })),
      );
      expect(stored).toMatchObject({ conversationId, createdConversation: false });
      const conversation = await Effect.runPromise(
        makeConversations(db).get(team as TeamId, conversationId as ConversationId),
      );
      expect(conversation?.state).toBe("pending");
      expect((await page(db, team, conversationId, null, 10))?.events).toMatchObject([
        {
          type: "state_changed",
          from: "closed",
          to: "pending",
          memberId: null,
          memberName: null,
          at: at("2025-03-02T00:00:00Z"),
        },
      ]);
    });
  });
});
