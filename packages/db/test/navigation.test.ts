import type { ConversationPage, TeamId } from "@customer-panel/core";
import { Effect } from "effect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeNavigation } from "../src/repositories/navigation.js";
import { type EngineHandle, engines } from "../src/testing/engines.js";
import { seedCustomer, seedMember, seedMessages, seedTeam } from "../src/testing/seed.js";

const at = (iso: string) => new Date(iso);

describe.each(engines)("navigation on $name", (engine) => {
  let handle: EngineHandle;
  beforeAll(async () => {
    handle = await engine.open();
  });
  afterAll(async () => handle?.dispose());

  describe("N1 the team's conversations, most recently active first", () => {
    it("orders by last message, else creation; pages cover every row once; the last message is shown", async () => {
      const { db } = await handle.fresh();
      const team = await seedTeam(db);
      const other = await seedTeam(db);
      await seedCustomer(db, other, { displayName: "Other team" });
      const older = await seedCustomer(db, team, {
        displayName: "林小美",
        lastMessageAt: at("2025-01-01T00:00:01Z"),
      });
      await seedMessages(db, team, older.conversationId, ["你好", "x".repeat(150)]);
      const newer = await seedCustomer(db, team, {
        displayName: "Frank",
        channel: "facebook",
        lastMessageAt: at("2025-01-02T00:00:00Z"),
      });
      await seedMessages(db, team, newer.conversationId, ["hi"], at("2025-01-02T00:00:00Z"));
      // Three without messages: they follow the ones with messages only if created earlier,
      // and they were created now, so they come first, ties broken by id.
      for (const name of ["a", "b", "c"]) {
        await seedCustomer(db, team, { displayName: name, lastMessageAt: null });
      }
      const nav = makeNavigation(db);
      const whole = await Effect.runPromise(
        nav.recentConversations(team as TeamId, { cursor: null, limit: 100 }),
      );
      expect(whole.nextCursor).toBeNull();
      expect(whole.conversations).toHaveLength(5);
      expect(whole.conversations.slice(3).map((c) => c.customerName)).toEqual(["Frank", "林小美"]);
      expect(whole.conversations[4]).toMatchObject({
        conversationId: older.conversationId,
        customerId: older.customerId,
        channel: "line",
        state: "pending",
        active: true,
        assigneeId: null,
        lastMessageAt: at("2025-01-01T00:00:01Z"),
        lastMessageSnippet: "x".repeat(100),
      });
      const quiet = whole.conversations.slice(0, 3);
      expect(quiet.every((c) => c.lastMessageAt === null && c.lastMessageSnippet === null)).toBe(
        true,
      );
      for (const limit of [1, 2, 4]) {
        const seen = [];
        let cursor: string | null = null;
        do {
          const page: ConversationPage = await Effect.runPromise(
            nav.recentConversations(team as TeamId, { cursor, limit }),
          );
          expect(page.conversations.length).toBeLessThanOrEqual(limit);
          seen.push(...page.conversations);
          cursor = page.nextCursor;
        } while (cursor !== null);
        expect(seen).toEqual(whole.conversations);
      }
    });

    it("answers an empty page for a cursor it never issued", async () => {
      const { db } = await handle.fresh();
      const team = await seedTeam(db);
      await seedCustomer(db, team);
      const nav = makeNavigation(db);
      for (const cursor of ["abc", "1_not-a-uuid", "'; drop table conversations; --"]) {
        expect(
          await Effect.runPromise(nav.recentConversations(team as TeamId, { cursor, limit: 10 })),
        ).toEqual({ conversations: [], nextCursor: null });
      }
    });
  });

  describe("N2 the team's members", () => {
    it("lists only the team's members, by name", async () => {
      const { db } = await handle.fresh();
      const team = await seedTeam(db);
      const other = await seedTeam(db);
      const agent = await seedMember(db, team, "cs_agent", "陳客服");
      const admin = await seedMember(db, team, "admin", "Alice Admin");
      await seedMember(db, other, "admin", "Bea B-Admin");
      const listed = await Effect.runPromise(makeNavigation(db).members(team as TeamId));
      expect(listed).toEqual([
        { id: admin, teamId: team, name: "Alice Admin", role: "admin" },
        { id: agent, teamId: team, name: "陳客服", role: "cs_agent" },
      ]);
    });
  });
});
