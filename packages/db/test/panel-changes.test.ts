import { randomUUID } from "node:crypto";
import type { ConversationId, CustomerId, PanelChange, TeamId } from "@customer-panel/core";
import { Effect } from "effect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHANGES_CHANNEL, type Database } from "../src/database.js";
import { makeChangeFeed } from "../src/repositories/change-feed.js";
import { makeConversations } from "../src/repositories/conversations.js";
import {
  latestPanelChangeId,
  panelChangesPage,
  prunePanelChanges,
} from "../src/repositories/panel-changes.js";
import * as t from "../src/schema.js";
import { type EngineHandle, engines } from "../src/testing/engines.js";
import { seedCustomer, seedTeam } from "../src/testing/seed.js";
import { author, successOf } from "./port-calls.js";

const change = (
  teamId: string,
  kind: PanelChange["kind"],
  at: string,
  conversationId: string | null = null,
  customerId: string | null = null,
): PanelChange => ({
  teamId: teamId as TeamId,
  conversationId: conversationId as ConversationId | null,
  customerId: customerId as CustomerId | null,
  kind,
  at: new Date(at),
});

const publish = (database: Database, c: PanelChange) =>
  Effect.runPromise(makeChangeFeed(database.db).publish(c));

/** Listens on the changes channel; `stop` unlistens and answers the parsed payloads. */
const listen = async (database: Database) => {
  const received: unknown[] = [];
  const unlisten = await database.listen(CHANGES_CHANNEL, (p) => received.push(JSON.parse(p)));
  return {
    received,
    until: async (n: number) => {
      for (let i = 0; i < 100 && received.length < n; i++)
        await new Promise((r) => setTimeout(r, 10));
    },
    stop: unlisten,
  };
};

describe.each(engines)("panel change log on $name", (engine) => {
  let handle: EngineHandle;
  beforeAll(async () => {
    handle = await engine.open();
  });
  afterAll(async () => handle?.dispose());

  describe("B6 a change is stored and announced with the id a subscriber resumes after", () => {
    it("ids grow; the notification carries the stored id; resume reads the team's changes after an id", async () => {
      const database = await handle.fresh();
      const { db } = database;
      const team = await seedTeam(db);
      const other = await seedTeam(db);
      const a = await seedCustomer(db, team, { channel: "webchat" });
      const b = await seedCustomer(db, team);
      const listener = await listen(database);
      await publish(database, change(team, "presence", "2025-01-01T00:00:00Z", a.conversationId));
      await publish(database, change(other, "tags", "2025-01-01T00:00:01Z"));
      await publish(database, change(team, "message", "2025-01-01T00:00:02Z", b.conversationId));
      await publish(database, change(team, "profile", "2025-01-01T00:00:03Z", null, a.customerId));
      await listener.until(4);
      await listener.stop();
      const ids = (listener.received as { id: number }[]).map((n) => n.id);
      expect(ids).toHaveLength(4);
      expect([...ids].sort((x, y) => x - y)).toEqual(ids);
      expect(listener.received[3]).toEqual({
        id: ids[3],
        teamId: team,
        conversationId: null,
        customerId: a.customerId,
        kind: "profile",
        at: "2025-01-01T00:00:03.000Z",
      });
      const first = ids[0] ?? 0;
      const after = await panelChangesPage(db, {
        teamId: team as TeamId,
        afterId: first,
        conversationId: null,
        limit: 100,
      });
      expect(after.map((c) => [c.id, c.change.kind])).toEqual([
        [ids[2], "message"],
        [ids[3], "profile"],
      ]);
      expect(after[0]?.change).toEqual(
        change(team, "message", "2025-01-01T00:00:02Z", b.conversationId),
      );
      // One conversation only; and a page holds the oldest `limit`, the next reads on.
      const ofA = await panelChangesPage(db, {
        teamId: team as TeamId,
        afterId: 0,
        conversationId: a.conversationId as ConversationId,
        limit: 100,
      });
      expect(ofA.map((c) => c.change.kind)).toEqual(["presence"]);
      const page = await panelChangesPage(db, {
        teamId: team as TeamId,
        afterId: 0,
        conversationId: null,
        limit: 2,
      });
      expect(page.map((c) => c.id)).toEqual([ids[0], ids[2]]); // ids[1] is the other team's
      const next = await panelChangesPage(db, {
        teamId: team as TeamId,
        afterId: page[1]?.id ?? 0,
        conversationId: null,
        limit: 2,
      });
      expect(next.map((c) => [c.id, c.change.kind])).toEqual([[ids[3], "profile"]]);
      expect(await latestPanelChangeId(db, team as TeamId)).toBe(ids[3]);
      expect(await latestPanelChangeId(db, other as TeamId)).toBe(ids[1]);
      expect(await latestPanelChangeId(db, randomUUID() as TeamId)).toBe(0);
    });

    it("B5 `deleted` is announced but never stored", async () => {
      const database = await handle.fresh();
      const team = await seedTeam(database.db);
      const doomed = await seedCustomer(database.db, team);
      const listener = await listen(database);
      await publish(
        database,
        change(team, "deleted", "2025-01-01T00:00:00Z", doomed.conversationId),
      );
      await listener.until(1);
      await listener.stop();
      expect(listener.received).toEqual([
        {
          id: null,
          teamId: team,
          conversationId: doomed.conversationId,
          customerId: null,
          kind: "deleted",
          at: "2025-01-01T00:00:00.000Z",
        },
      ]);
      expect(await database.db.$count(t.panelChanges)).toBe(0);
    });

    it("B5 deleting a conversation erases its changes; a change published after it is dropped", async () => {
      const database = await handle.fresh();
      const { db } = database;
      const team = await seedTeam(db);
      const doomed = await seedCustomer(db, team);
      const bystander = await seedCustomer(db, team);
      await publish(
        database,
        change(team, "message", "2025-01-01T00:00:00Z", doomed.conversationId),
      );
      await publish(
        database,
        change(team, "message", "2025-01-01T00:00:01Z", bystander.conversationId),
      );
      successOf(
        await Effect.runPromiseExit(
          makeConversations(db).delete(team as TeamId, doomed.conversationId as ConversationId, {
            author: author(null, "Ada"),
            at: new Date("2025-01-01T00:00:02Z"),
          }),
        ),
      );
      // A change of another request that commits after the delete must not bring the id back.
      const listener = await listen(database);
      await publish(database, change(team, "tags", "2025-01-01T00:00:03Z", doomed.conversationId));
      await new Promise((r) => setTimeout(r, 100));
      await listener.stop();
      expect(listener.received).toEqual([]);
      const left = await db.select().from(t.panelChanges).orderBy(t.panelChanges.id);
      expect(left.map((r) => r.conversationId)).toEqual([bystander.conversationId]);
    });

    it("prunePanelChanges deletes the changes older than the given time and counts them", async () => {
      const database = await handle.fresh();
      const team = await seedTeam(database.db);
      await publish(database, change(team, "presence", "2025-01-01T00:00:00Z"));
      await publish(database, change(team, "presence", "2025-01-02T00:00:00Z"));
      await publish(database, change(team, "presence", "2025-01-03T00:00:00Z"));
      expect(await prunePanelChanges(database.db, new Date("2025-01-02T00:00:00Z"))).toBe(1);
      expect(await prunePanelChanges(database.db, new Date("2025-01-02T00:00:00Z"))).toBe(0);
      const left = await database.db.select().from(t.panelChanges).orderBy(t.panelChanges.id);
      expect(left.map((r) => r.at.toISOString())).toEqual([
        "2025-01-02T00:00:00.000Z",
        "2025-01-03T00:00:00.000Z",
      ]);
    });
  });
});
