import { randomUUID } from "node:crypto";
import type { ConversationId, TeamId } from "@customer-panel/core";
import { Effect } from "effect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeConversations } from "../src/repositories/conversations.js";
import { rowExportFor } from "../src/row-export/row-export.js";
import * as t from "../src/schema.js";
import { type EngineHandle, engines } from "../src/testing/engines.js";
import { seedCustomer, seedMessages, seedTeam } from "../src/testing/seed.js";
import { collect, collectRows, countingSelects } from "./port-calls.js";

const at = (iso: string) => new Date(iso);

describe.each(engines)("transcript and search on $name", (engine) => {
  let handle: EngineHandle;
  beforeAll(async () => {
    handle = await engine.open();
  });
  afterAll(async () => handle?.dispose());

  describe("L7 transcript: oldest first, streamed in batches", () => {
    it("yields every message in (sent_at, arrival) order across batch boundaries, ties in arrival order", async () => {
      const database = await handle.fresh();
      const { db } = database;
      const team = await seedTeam(db);
      const { conversationId } = await seedCustomer(db, team);
      await seedMessages(db, team, conversationId, ["c", "d"], at("2025-01-01T00:00:10Z"));
      await seedMessages(db, team, conversationId, ["a", "b"], at("2025-01-01T00:00:00Z"));
      // Five messages at one instant with microseconds a JS Date can not carry.
      for (let i = 0; i < 5; i++) {
        await db.insert(t.messages).values({
          id: randomUUID(),
          teamId: team,
          conversationId,
          sender: "bot",
          content: `tie ${i}`,
          sentAt: at("2025-01-01T00:00:05Z"),
        });
      }
      await db.execute(
        `update messages set sent_at = sent_at + interval '0.000123 seconds' where content like 'tie %'`,
      );
      const conversations = makeConversations(db, rowExportFor(database, { batchSize: 2 }));
      const all = await collectRows(
        conversations.transcript(team as TeamId, conversationId as ConversationId),
      );
      expect(all).toHaveLength(9);
      expect(all.slice(0, 2).map((m) => m.content)).toEqual(["a", "b"]);
      // Same instant: the order they arrived in (a bot's reply stays after the question).
      expect(all.slice(2, 7).map((m) => m.content)).toEqual([
        "tie 0",
        "tie 1",
        "tie 2",
        "tie 3",
        "tie 4",
      ]);
      expect(all.slice(7).map((m) => m.content)).toEqual(["c", "d"]);
      expect(all[1]).toMatchObject({ sender: "agent", agentName: "客服 小美" });
      expect(
        await collectRows(
          makeConversations(db, rowExportFor(database)).transcript(
            randomUUID() as TeamId,
            conversationId as ConversationId,
          ),
        ),
      ).toEqual([]);
    });

    if (engine.name === "pglite") {
      it("reads lazily, a batch at a time: a message stored after the first batch is still read", async () => {
        const database = await handle.fresh();
        const { db } = database;
        const team = await seedTeam(db);
        const { conversationId } = await seedCustomer(db, team);
        await seedMessages(
          db,
          team,
          conversationId,
          Array.from({ length: 10 }, (_, i) => `m${i}`),
        );
        const conversations = makeConversations(db, rowExportFor(database, { batchSize: 3 }));
        const stream = conversations.transcript(team as TeamId, conversationId as ConversationId);
        const iterator = stream[Symbol.asyncIterator]();
        const first = await iterator.next();
        expect(first.done ? [] : first.value.map((m) => m.content)).toEqual(["m0", "m1", "m2"]);
        // Stored now, after every other message: a reader that had loaded all ten up front
        // (or the next batch already) would not have it.
        await seedMessages(db, team, conversationId, ["late"], new Date("2025-01-02T00:00:00Z"));
        const rest: string[][] = [];
        for (;;) {
          const next = await iterator.next();
          if (next.done) break;
          rest.push(next.value.map((m) => m.content));
        }
        expect(rest).toEqual([
          ["m3", "m4", "m5"],
          ["m6", "m7", "m8"],
          ["m9", "late"],
        ]);
        // Stopped early: the iterator is done and reads nothing more.
        const again = conversations
          .transcript(team as TeamId, conversationId as ConversationId)
          [Symbol.asyncIterator]();
        await again.next();
        await again.return?.();
        expect(await again.next()).toEqual({ done: true, value: undefined });
      });
    }
    it("any text comes back exactly, across chunk and batch boundaries", async () => {
      const database = await handle.fresh();
      const { db } = database;
      const team = await seedTeam(db);
      const { conversationId } = await seedCustomer(db, team);
      // Every character COPY's text format escapes, control characters, quotes, CJK and
      // astral text; long enough that chunks end inside rows and inside UTF-8 sequences.
      const tricky = [
        "tab\there",
        "line\nbreak\r\nand CR\r",
        "back\\slash \\N \\t",
        "\\N",
        "\b\f\v\u0001\u001f\u007f",
        'say "hi", ok',
        "=SUM(A1)",
        "客服 小美 👩‍💻 ".repeat(400),
        "",
      ];
      const contents = Array.from({ length: 600 }, (_, i) => `${i} ${tricky[i % tricky.length]}`);
      await seedMessages(db, team, conversationId, contents);
      const { db: counted, counter } = countingSelects(db);
      // PGlite: COPY batches of 7 rows; a server: one COPY, cut into chunks as bytes arrive.
      const batches = await collect(
        makeConversations(counted, rowExportFor(database, { batchSize: 7 })).transcript(
          team as TeamId,
          conversationId as ConversationId,
        ),
      );
      if (engine.name === "postgres") expect(counter.selects).toBe(1);
      else expect(batches.map((b) => b.length)).toEqual([...Array(85).fill(7), 5]);
      expect(batches.length).toBeGreaterThan(1);
      expect(batches.flat().map((m) => m.content)).toEqual(contents);
    });
  });

  describe("L9 search by customer name or message text, team-scoped", () => {
    it("finds by name case-insensitively and by Chinese text, 2-character queries included", async () => {
      const { db } = await handle.fresh();
      const team = await seedTeam(db);
      const other = await seedTeam(db);
      const alice = await seedCustomer(db, team, { displayName: "Alice Chen" });
      const wang = await seedCustomer(db, team, { displayName: "王小明" });
      await seedMessages(db, team, wang.conversationId, ["我想要退貨，謝謝", "好的"]);
      const foreign = await seedCustomer(db, other, { displayName: "Alice Other" });
      await seedMessages(db, other, foreign.conversationId, ["我想要退貨"]);
      const search = (q: string, limit = 20) =>
        Effect.runPromise(makeConversations(db).search(team as TeamId, q, limit));

      expect(await search("ALICE")).toEqual([
        {
          conversationId: alice.conversationId,
          customerId: alice.customerId,
          customerName: "Alice Chen",
          channel: "line",
          snippet: null,
        },
      ]);
      const byText = await search("退貨");
      expect(byText).toEqual([
        {
          conversationId: wang.conversationId,
          customerId: wang.customerId,
          customerName: "王小明",
          channel: "line",
          snippet: "我想要退貨，謝謝",
        },
      ]);
      expect((await search("我想要退貨")).map((h) => h.conversationId)).toEqual([
        wang.conversationId,
      ]);
      expect((await search("小明")).map((h) => h.snippet)).toEqual([null]);
      expect(await search("不存在的字")).toEqual([]);
      expect(await search("e", 1)).toHaveLength(1);
    });

    it("treats LIKE wildcards as characters: % and _ do not match everything", async () => {
      const { db } = await handle.fresh();
      const team = await seedTeam(db);
      const plain = await seedCustomer(db, team, { displayName: "Plain" });
      await seedMessages(db, team, plain.conversationId, ["hello there"]);
      const percent = await seedCustomer(db, team, { displayName: "Percent" });
      await seedMessages(db, team, percent.conversationId, ["100% 滿意"]);
      const search = (q: string) =>
        Effect.runPromise(makeConversations(db).search(team as TeamId, q, 20));
      expect((await search("%")).map((h) => h.conversationId)).toEqual([percent.conversationId]);
      expect(await search("_")).toEqual([]);
      expect(await search("\\")).toEqual([]);
      expect((await search("0% 滿")).map((h) => h.snippet)).toEqual(["100% 滿意"]);
    });
  });
});
