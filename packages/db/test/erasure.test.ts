import { randomUUID } from "node:crypto";
import {
  type ConversationId,
  type CustomerId,
  decideStatusChange,
  type EmailExportJob,
  type TeamId,
} from "@customer-panel/core";
import { eq, sql } from "drizzle-orm";
import { Effect, Either } from "effect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../src/database.js";
import { makeChangeFeed } from "../src/repositories/change-feed.js";
import { makeConversations } from "../src/repositories/conversations.js";
import { makeExportOutbox } from "../src/repositories/export-outbox.js";
import * as t from "../src/schema.js";
import { type EngineHandle, engines } from "../src/testing/engines.js";
import { seedCustomer, seedMember, seedMessages, seedTeam } from "../src/testing/seed.js";
import { rowsOf } from "../src/transaction.js";
import {
  author,
  collectRows,
  incoming,
  ingest,
  outcomeOf,
  successOf,
  updateOn,
} from "./port-calls.js";

const SECRET = ["我想要退貨，謝謝", "訂單編號 A-1234 的地址是台北市信義路"];
const when = new Date("2025-05-01T00:00:00Z");

/** A team with one conversation holding messages, log, exports, a tag and an OMO binding. */
const seedDoomed = async (db: Db) => {
  const team = await seedTeam(db);
  const admin = await seedMember(db, team, "admin", "Ada");
  const doomed = await seedCustomer(db, team, { displayName: "王小明" });
  await seedMessages(db, team, doomed.conversationId, SECRET);
  for (const active of [false, true]) {
    successOf(
      await updateOn(
        db,
        team,
        doomed.conversationId,
        (c) => {
          const d = decideStatusChange(c, active);
          return Either.right({ active: d.active, events: d.event ? [d.event] : [] });
        },
        { author: author(admin, "Ada"), at: when },
      ),
    );
  }
  const job = (to: string): EmailExportJob => ({
    exportId: randomUUID(),
    teamId: team as TeamId,
    conversationId: doomed.conversationId as ConversationId,
    to,
    requestedBy: author(admin, "Ada"),
    requestedAt: when,
  });
  await Effect.runPromise(makeExportOutbox(db).enqueue(job("boss@example.com")));
  const sent = job("old@example.com");
  await Effect.runPromise(makeExportOutbox(db).enqueue(sent));
  await db
    .update(t.emailExports)
    .set({ status: "sent" })
    .where(eq(t.emailExports.id, sent.exportId));
  const tagId = randomUUID();
  await db.insert(t.tags).values({ id: tagId, teamId: team, name: "VIP", key: "vip", uses: 1 });
  await db
    .insert(t.customerTags)
    .values({ teamId: team, customerId: doomed.customerId, tagId, count: 1 });
  await db.insert(t.tagApplications).values({
    id: randomUUID(),
    teamId: team,
    customerId: doomed.customerId,
    tagId,
    appliedAt: when,
    channel: "line",
    conversationId: doomed.conversationId,
    method: "manual",
    memberId: admin,
  });
  await db
    .insert(t.omoBindings)
    .values({ teamId: team, customerId: doomed.customerId, omoMemberId: "OMO-1", boundAt: when });
  // B6: a live change stored for resuming subscribers names the conversation too.
  await Effect.runPromise(
    makeChangeFeed(db).publish({
      teamId: team as TeamId,
      conversationId: doomed.conversationId as ConversationId,
      customerId: doomed.customerId as CustomerId,
      kind: "status",
      at: when,
    }),
  );
  // A bystander of the same team that must come through untouched.
  const bystander = await seedCustomer(db, team, { displayName: "李大華" });
  await seedMessages(db, team, bystander.conversationId, ["我想要退貨，謝謝"]);
  return { team, admin, doomed, bystander, tagId };
};

const erase = (db: Db, team: string, conversationId: string, by = author(null, "Ada")) =>
  Effect.runPromiseExit(
    makeConversations(db).delete(team as TeamId, conversationId as ConversationId, {
      author: by,
      at: when,
    }),
  );

/** Rows of every table, for "nothing touched" comparisons. */
const census = async (db: Db) => ({
  conversations: await db.$count(t.conversations),
  messages: await db.$count(t.messages),
  events: await db.$count(t.conversationEvents),
  exports: await db.$count(t.emailExports),
  tombstones: await db.$count(t.deletionTombstones),
  changes: await db.$count(t.panelChanges),
  linkedApplications: await db.$count(
    t.tagApplications,
    sql`${t.tagApplications.conversationId} is not null`,
  ),
});

interface ColumnRow {
  readonly table_name: string;
  readonly column_name: string;
}

/**
 * Every column of the public schema whose name ends in `conversation_id`, read from the
 * catalogue so a table added later is checked without anyone remembering to list it.
 * The tombstone's `erased_conversation_id` is left out on purpose: it is the receipt of
 * the deletion (B4/B5), ids and counts only, and must outlive the conversation.
 */
const conversationColumns = async (db: Db): Promise<ColumnRow[]> =>
  rowsOf<ColumnRow>(
    db,
    sql`
      select table_name, column_name from information_schema.columns
      where table_schema = 'public' and column_name like '%conversation\\_id'
        and not (table_name = 'deletion_tombstones' and column_name = 'erased_conversation_id')
      order by table_name, column_name`,
  );

/** How many rows of `table` hold `id` in `column`. */
const holding = async (db: Db, table: string, column: string, id: string): Promise<number> => {
  const [row] = await rowsOf<{ n: number }>(
    db,
    sql`select count(*)::int as n from ${sql.identifier(table)} where ${sql.identifier(column)} = ${id}`,
  );
  return Number(row?.n);
};

/** `table.column` of every text/json/uuid column (but the receipt's) with a value containing `needle`. */
const mentioning = async (db: Db, needle: string): Promise<string[]> => {
  const columns = await rowsOf<ColumnRow>(
    db,
    sql`
      select table_name, column_name from information_schema.columns
      where table_schema = 'public' and data_type in ('text', 'character varying', 'json', 'jsonb', 'uuid')
        and not (table_name = 'deletion_tombstones' and column_name = 'erased_conversation_id')`,
  );
  const found: string[] = [];
  for (const { table_name, column_name } of columns) {
    const [row] = await rowsOf<{ n: number }>(
      db,
      sql`select count(*)::int as n from ${sql.identifier(table_name)} where strpos(${sql.identifier(column_name)}::text, ${needle}) > 0`,
    );
    if (Number(row?.n) > 0) found.push(`${table_name}.${column_name}`);
  }
  return found;
};

describe.each(engines)("erasure on $name", (engine) => {
  let handle: EngineHandle;
  beforeAll(async () => {
    handle = await engine.open();
  });
  afterAll(async () => handle?.dispose());

  describe("B5 L9 a deleted conversation leaves no trace but its receipt", () => {
    it("B4 answers a receipt of counts (the tombstone), and no *conversation_id column still holds the id", async () => {
      const { db } = await handle.fresh();
      const { team, admin, doomed } = await seedDoomed(db);
      // Not vacuous: the (best-effort) change feed did store the change before the delete.
      expect(await holding(db, "panel_changes", "conversation_id", doomed.conversationId)).toBe(1);
      const receipt = successOf(await erase(db, team, doomed.conversationId, author(admin, "Ada")));
      expect(receipt).toEqual({
        conversationId: doomed.conversationId,
        deletedAt: when,
        deletedBy: { memberId: admin, memberName: "Ada" },
        messages: 2,
        events: 2,
        pendingExports: 1,
        alreadyDeleted: false,
      });
      const columns = await conversationColumns(db);
      // The check is not vacuous: the tables known today are among those found.
      expect(columns.map((c) => `${c.table_name}.${c.column_name}`)).toEqual(
        expect.arrayContaining([
          "conversation_events.conversation_id",
          "email_exports.conversation_id",
          "messages.conversation_id",
          "panel_changes.conversation_id",
          "tag_applications.conversation_id",
        ]),
      );
      for (const { table_name, column_name } of columns) {
        expect({
          table_name,
          column_name,
          rows: await holding(db, table_name, column_name, doomed.conversationId),
        }).toEqual({
          table_name,
          column_name,
          rows: 0,
        });
      }
      expect(await holding(db, "conversations", "id", doomed.conversationId)).toBe(0);
      // Wider still: no text, json or uuid value anywhere mentions the id or the content.
      for (const needle of [doomed.conversationId, SECRET[1] ?? ""]) {
        expect(await mentioning(db, needle)).toEqual([]);
      }
      const [stone] = await db.select().from(t.deletionTombstones);
      expect(stone).toMatchObject({
        erasedConversationId: doomed.conversationId,
        messages: 2,
        events: 2,
        pendingExports: 1,
      });
    });

    it("no search, log, transcript or read reaches its content; the bystander is still found", async () => {
      const { db } = await handle.fresh();
      const { team, doomed, bystander } = await seedDoomed(db);
      successOf(await erase(db, team, doomed.conversationId));
      const conversations = makeConversations(db);
      const id = doomed.conversationId as ConversationId;
      const search = (q: string) => Effect.runPromise(conversations.search(team as TeamId, q, 50));
      expect((await search("退貨")).map((h) => h.conversationId)).toEqual([
        bystander.conversationId,
      ]);
      expect(await search("A-1234")).toEqual([]);
      expect(await search("王小明")).toEqual([]);
      expect(await Effect.runPromise(conversations.get(team as TeamId, id))).toBeNull();
      expect(
        await Effect.runPromise(
          conversations.events(team as TeamId, id, { cursor: null, limit: 50 }),
        ),
      ).toBeNull();
      expect(await collectRows(conversations.transcript(team as TeamId, id))).toEqual([]);
      const left = await rowsOf<{ n: number }>(
        db,
        sql`select count(*)::int as n from messages where content = ${SECRET[1]}`,
      );
      expect(Number(left[0]?.n)).toBe(0);
    });

    it("keeps the profile, identity, tags and tag history (unlinked) and the OMO binding", async () => {
      const { db } = await handle.fresh();
      const { team, doomed, tagId } = await seedDoomed(db);
      successOf(await erase(db, team, doomed.conversationId));
      const [customer] = await db
        .select()
        .from(t.customers)
        .where(eq(t.customers.id, doomed.customerId));
      expect(customer?.displayName).toBe("王小明");
      expect(await db.$count(t.identities, eq(t.identities.id, doomed.identityId))).toBe(1);
      expect(await db.select().from(t.customerTags)).toMatchObject([
        { customerId: doomed.customerId, tagId, count: 1 },
      ]);
      expect(await db.select().from(t.tagApplications)).toMatchObject([
        { customerId: doomed.customerId, tagId, conversationId: null, channel: "line" },
      ]);
      expect(await db.$count(t.omoBindings)).toBe(1);
    });

    it("a second delete answers the first receipt with alreadyDeleted and erases nothing more", async () => {
      const { db } = await handle.fresh();
      const { team, doomed } = await seedDoomed(db);
      const first = successOf(await erase(db, team, doomed.conversationId));
      const before = await census(db);
      const second = successOf(
        await erase(db, team, doomed.conversationId, author(null, "Someone else")),
      );
      expect(second).toEqual({ ...first, alreadyDeleted: true });
      expect(await census(db)).toEqual(before);
    });

    it("X2 another team's delete of the id, or a random id, is null and touches nothing", async () => {
      const { db } = await handle.fresh();
      const { team, doomed } = await seedDoomed(db);
      const other = await seedTeam(db);
      const before = await census(db);
      expect(successOf(await erase(db, other, doomed.conversationId))).toBeNull();
      expect(successOf(await erase(db, team, randomUUID()))).toBeNull();
      expect(await census(db)).toEqual(before);
      // Nor does this team's deletion leave a receipt the other team could read.
      successOf(await erase(db, team, doomed.conversationId));
      expect(successOf(await erase(db, other, doomed.conversationId))).toBeNull();
    });

    it("a later message from the same customer starts a fresh conversation without the old content", async () => {
      const { db } = await handle.fresh();
      const team = await seedTeam(db);
      const doomed = await seedCustomer(db, team, { externalId: "U1" });
      await seedMessages(db, team, doomed.conversationId, SECRET);
      successOf(await erase(db, team, doomed.conversationId));
      const next = successOf(await ingest(db, incoming(team, "U1", { content: "又是我" })));
      expect(next).toMatchObject({ customerId: doomed.customerId, createdConversation: true });
      expect(next.conversationId).not.toBe(doomed.conversationId);
      const transcript = await collectRows(
        makeConversations(db).transcript(team as TeamId, next.conversationId),
      );
      expect(transcript.map((m) => m.content)).toEqual(["又是我"]);
    });
  });

  describe("B5 fault injection: a failure in the middle of a delete leaves everything in place", () => {
    it("a tombstone insert that fails rolls back the erasure", async () => {
      const { db } = await handle.fresh();
      const { team, doomed } = await seedDoomed(db);
      // The failure strikes after the conversation row (and its cascade) was deleted.
      await db.execute(sql`
        create function fail_tombstone() returns trigger language plpgsql as $$
        begin raise exception 'injected failure'; end $$`);
      await db.execute(sql`
        create trigger fail_tombstone before insert on deletion_tombstones
        for each row execute function fail_tombstone()`);
      const before = await census(db);
      expect(outcomeOf(await erase(db, team, doomed.conversationId))).toBe("DEFECT");
      expect(await census(db)).toEqual(before);
      expect(
        await db.$count(t.messages, eq(t.messages.conversationId, doomed.conversationId)),
      ).toBe(2);
      expect(await db.$count(t.deletionTombstones)).toBe(0);
      await db.execute(sql`drop trigger fail_tombstone on deletion_tombstones`);
      expect(successOf(await erase(db, team, doomed.conversationId))).toMatchObject({
        messages: 2,
        alreadyDeleted: false,
      });
    });
  });
});
