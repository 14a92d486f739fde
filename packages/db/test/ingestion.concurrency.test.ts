import { randomUUID } from "node:crypto";
import type { ConversationId, TeamId } from "@customer-panel/core";
import { sql } from "drizzle-orm";
import { Effect } from "effect";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { claimPendingExports, makeExportOutbox } from "../src/repositories/export-outbox.js";
import * as t from "../src/schema.js";
import { type EngineHandle, serverEngine } from "../src/testing/engines.js";
import { seedCustomer, seedTeam } from "../src/testing/seed.js";
import { rowsOf } from "../src/transaction.js";
import { author, incoming, ingest, outcomeOf } from "./port-calls.js";

/**
 * Races, on PostgreSQL only: PGlite runs one statement at a time, so a race there
 * proves nothing. Without TEST_DATABASE_URL the list is empty and the one test below
 * says why, instead of a skipped test.
 */
const racing = serverEngine ? [serverEngine] : [];

if (racing.length === 0) {
  describe("ingestion races (PostgreSQL only)", () => {
    it("run only when TEST_DATABASE_URL names a PostgreSQL server", () => {
      expect(process.env.TEST_DATABASE_URL).toBeUndefined();
    });
  });
}

describe.each(racing)("ingestion races on $name", (engine) => {
  let handle: EngineHandle;
  beforeAll(async () => {
    handle = await engine.open();
  });
  afterAll(async () => handle?.dispose());

  describe("E2 concurrent first messages from one new user create it once", () => {
    it("20 at once → one customer, one identity, one conversation, 20 messages", async () => {
      const { db } = await handle.fresh();
      const team = await seedTeam(db);
      const exits = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          ingest(
            db,
            incoming(team, "U-race", {
              content: `第 ${i} 則`,
              sentAt: new Date(Date.UTC(2025, 0, 1, 0, 0, i)),
            }),
          ),
        ),
      );
      expect(exits.map(outcomeOf)).toEqual(Array(20).fill("SUCCESS"));
      expect(await db.$count(t.customers)).toBe(1);
      expect(await db.$count(t.identities)).toBe(1);
      expect(await db.$count(t.conversations)).toBe(1);
      expect(await db.$count(t.messages)).toBe(20);
      // Exactly one of them opened the conversation, and it was logged once.
      const created = exits.filter((e) => e._tag === "Success" && e.value.createdConversation);
      expect(created).toHaveLength(1);
      expect(await db.$count(t.conversationEvents)).toBe(1);
    });
  });

  describe("L7 export workers skip jobs another worker holds", () => {
    it("a job locked by one worker's transaction is not claimed by another", async () => {
      const { db } = await handle.fresh();
      const team = await seedTeam(db);
      const { conversationId } = await seedCustomer(db, team);
      const ids = [randomUUID(), randomUUID()];
      for (const [i, exportId] of ids.entries()) {
        await Effect.runPromise(
          makeExportOutbox(db).enqueue({
            exportId,
            teamId: team as TeamId,
            conversationId: conversationId as ConversationId,
            to: "boss@example.com",
            requestedBy: author(null, null),
            requestedAt: new Date(Date.UTC(2025, 0, 1, 0, i)),
          }),
        );
      }
      const url = new URL(process.env.TEST_DATABASE_URL ?? "");
      const [row] = await rowsOf<{ name: string }>(db, sql`select current_database() as name`);
      url.pathname = `/${row?.name}`;
      const other = new pg.Client({ connectionString: url.toString() });
      await other.connect();
      try {
        await other.query("begin");
        await other.query("select id from email_exports where id = $1 for update", [ids[0]]);
        const claimed = await claimPendingExports(db, 10);
        expect(claimed.map((j) => j.exportId)).toEqual([ids[1]]);
        await other.query("rollback");
      } finally {
        await other.end();
      }
    });
  });
});
