import { randomUUID } from "node:crypto";
import type { ConversationId, MemberId, TeamId } from "@customer-panel/core";
import { Effect } from "effect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makePreferences } from "../src/repositories/directory.js";
import { makePanelReader } from "../src/repositories/panel-reader.js";
import * as t from "../src/schema.js";
import { type EngineHandle, engines } from "../src/testing/engines.js";
import { seedCustomer, seedMember, seedTeam } from "../src/testing/seed.js";

const DAY = 86_400_000;
const now = new Date("2025-06-01T00:00:00Z");
const ordersSince = new Date(now.getTime() - 90 * DAY);

describe.each(engines)("panel read on $name", (engine) => {
  let handle: EngineHandle;
  beforeAll(async () => {
    handle = await engine.open();
  });
  afterAll(async () => handle?.dispose());

  it("P1/L1/L2/P5/O1 reads everything the panel shows in at most 3 round trips", async () => {
    const statements: string[] = [];
    const database = await handle.fresh({ onQuery: (s) => statements.push(s) });
    const { db } = database;
    const teamId = await seedTeam(db);
    const agent = await seedMember(db, teamId, "cs_agent", "客服 小美");
    const webchat = await seedCustomer(db, teamId, {
      channel: "webchat",
      memberId: "M-1",
      displayName: "林美麗",
    });
    const line = await seedCustomer(db, teamId, {
      channel: "line",
      websiteMemberId: "M-1",
      boundAt: new Date("2025-05-01T00:00:00Z"),
    });
    await db.insert(t.identities).values({
      id: randomUUID(),
      teamId,
      customerId: webchat.customerId,
      channel: "whatsapp",
      externalId: "886912345678",
      waId: "886912345678",
    });
    await db.update(t.conversations).set({ assigneeId: agent });
    await db.insert(t.orders).values([
      {
        teamId,
        orderId: "A1",
        websiteMemberId: "M-1",
        placedAt: new Date(now.getTime() - 10 * DAY),
        currency: "TWD",
        total: 1200,
        items: [],
      },
      {
        teamId,
        orderId: "A0",
        websiteMemberId: "M-1",
        placedAt: new Date(now.getTime() - 100 * DAY),
        currency: "TWD",
        total: 99,
        items: [],
      },
    ]);
    await db
      .insert(t.carts)
      .values({ teamId, websiteMemberId: "M-1", currency: "TWD", items: [], updatedAt: now });
    await db
      .insert(t.omoBindings)
      .values({ teamId, customerId: webchat.customerId, omoMemberId: "OMO-9", boundAt: now });
    await Effect.runPromise(
      makePreferences(db).setPanelHidden(teamId as TeamId, agent as MemberId, true),
    );

    statements.length = 0;
    const snapshot = await Effect.runPromise(
      makePanelReader(db).load(teamId as TeamId, webchat.conversationId as ConversationId, {
        memberId: agent as MemberId,
        ordersSince,
      }),
    );
    expect(statements.length).toBeLessThanOrEqual(3);
    expect(snapshot?.customer.displayName).toBe("林美麗");
    expect(snapshot?.identities.map((i) => i.channel)).toEqual(["webchat", "whatsapp"]);
    expect(snapshot?.assignee).toEqual({ id: agent, name: "客服 小美" });
    expect(snapshot?.panelHidden).toBe(true);
    expect(snapshot?.boundConversations.map((b) => b.conversationId).sort()).toEqual(
      [webchat.conversationId, line.conversationId].sort(),
    );
    expect(snapshot?.orders.map((o) => o.id)).toEqual(["A1"]);
    expect(snapshot?.cart?.websiteMemberId).toBe("M-1");
    expect(snapshot?.omoBinding?.omoMemberId).toBe("OMO-9");
    expect(snapshot?.team.features).toEqual({ pixel: true, omo: true, conversationExport: true });
    await database.close();
  });

  it("X2 answers null for a missing id and for another team's conversation alike", async () => {
    const database = await handle.fresh();
    const { db } = database;
    const teamA = await seedTeam(db);
    const teamB = await seedTeam(db, { name: "B" });
    const memberB = await seedMember(db, teamB, "admin");
    const { conversationId } = await seedCustomer(db, teamA);
    const reader = makePanelReader(db);
    const load = (id: string) =>
      Effect.runPromise(
        reader.load(teamB as TeamId, id as ConversationId, {
          memberId: memberB as MemberId,
          ordersSince,
        }),
      );
    expect(await load(conversationId)).toBeNull();
    expect(await load(randomUUID())).toBeNull();
    await database.close();
  });

  it("L1 lists nothing bound for a customer without a website member account", async () => {
    const database = await handle.fresh();
    const { db } = database;
    const teamId = await seedTeam(db);
    const member = await seedMember(db, teamId, "admin");
    const { conversationId } = await seedCustomer(db, teamId, { channel: "facebook" });
    const snapshot = await Effect.runPromise(
      makePanelReader(db).load(teamId as TeamId, conversationId as ConversationId, {
        memberId: member as MemberId,
        ordersSince,
      }),
    );
    expect(snapshot?.boundConversations).toEqual([]);
    expect(snapshot?.orders).toEqual([]);
    expect(snapshot?.cart).toBeNull();
    expect(snapshot?.panelHidden).toBe(false);
    await database.close();
  });
});
