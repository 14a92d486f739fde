import { randomUUID } from "node:crypto";
import {
  type CustomerId,
  type IntegrationActor,
  ingestMemberLogin,
  type MemberActor,
  type MemberId,
  type TeamId,
  updateProfile,
} from "@customer-panel/core";
import { ChangeFeed, Directory, Profiles, Transactions } from "@customer-panel/core/adapter";
import { eq } from "drizzle-orm";
import { Effect, Exit, Layer } from "effect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHANGES_CHANNEL, type Database } from "../src/database.js";
import { makeChangeFeed } from "../src/repositories/change-feed.js";
import { makeDirectory } from "../src/repositories/directory.js";
import { makeProfiles } from "../src/repositories/profiles.js";
import { makeTransactions } from "../src/repositories/transactions.js";
import * as t from "../src/schema.js";
import { type EngineHandle, engines } from "../src/testing/engines.js";
import { seedCustomer, seedMember, seedTeam } from "../src/testing/seed.js";

const layerOf = (database: Database) =>
  Layer.mergeAll(
    Layer.succeed(Profiles, makeProfiles(database.db)),
    Layer.succeed(ChangeFeed, makeChangeFeed(database.db)),
    Layer.succeed(Directory, makeDirectory(database.db)),
    Layer.succeed(Transactions, makeTransactions(database.db)),
  );

const memberActor = (teamId: string, memberId: string): MemberActor => ({
  kind: "member",
  teamId: teamId as TeamId,
  memberId: memberId as MemberId,
  name: "客服 小美",
  role: "cs_agent",
  client: "web",
});

const codeOf = (exit: Exit.Exit<unknown, { code: string }>) =>
  Exit.isFailure(exit) && exit.cause._tag === "Fail" ? exit.cause.error.code : "succeeded";

describe.each(engines)("profiles on $name", (engine) => {
  let handle: EngineHandle;
  beforeAll(async () => {
    handle = await engine.open();
  });
  afterAll(async () => handle?.dispose());

  it("P6 B4 an edit writes the profile and one audit entry with the field diff and its author", async () => {
    const database = await handle.fresh();
    const { db } = database;
    const teamId = await seedTeam(db);
    const memberId = await seedMember(db, teamId, "cs_agent");
    const { customerId } = await seedCustomer(db, teamId, { displayName: "王小明" });
    const result = await Effect.runPromise(
      updateProfile(memberActor(teamId, memberId), {
        customerId: customerId as CustomerId,
        displayName: "王大明",
        note: "VIP 客戶",
      }).pipe(Effect.provide(layerOf(database))),
    );
    expect(result.changes).toEqual([
      { field: "displayName", from: "王小明", to: "王大明" },
      { field: "note", from: null, to: "VIP 客戶" },
    ]);
    const audit = await db.select().from(t.profileAudit);
    expect(audit).toHaveLength(1);
    expect(audit[0]?.memberId).toBe(memberId);
    expect(audit[0]?.changes).toEqual(result.changes);
    await database.close();
  });

  it("P3 a WhatsApp phone change is refused whole: nothing written, no audit entry", async () => {
    const database = await handle.fresh();
    const { db } = database;
    const teamId = await seedTeam(db);
    const memberId = await seedMember(db, teamId, "cs_agent");
    const { customerId } = await seedCustomer(db, teamId, {
      channel: "whatsapp",
      waId: "886912345678",
      displayName: "陳先生",
    });
    const exit = await Effect.runPromiseExit(
      updateProfile(memberActor(teamId, memberId), {
        customerId: customerId as CustomerId,
        displayName: "改名",
        phone: "+886911111111",
      }).pipe(Effect.provide(layerOf(database))),
    );
    expect(codeOf(exit as never)).toBe("PHONE_LOCKED");
    const [row] = await db.select().from(t.customers).where(eq(t.customers.id, customerId));
    expect(row?.displayName).toBe("陳先生");
    expect(await db.select().from(t.profileAudit)).toHaveLength(0);
    await database.close();
  });

  it("X2 another team's customer id answers NOT_FOUND like a missing one", async () => {
    const database = await handle.fresh();
    const { db } = database;
    const teamA = await seedTeam(db);
    const teamB = await seedTeam(db, { name: "B" });
    const memberB = await seedMember(db, teamB, "admin");
    const { customerId } = await seedCustomer(db, teamA);
    for (const id of [customerId, randomUUID()]) {
      const exit = await Effect.runPromiseExit(
        updateProfile(memberActor(teamB, memberB), {
          customerId: id as CustomerId,
          displayName: "x",
        }).pipe(Effect.provide(layerOf(database))),
      );
      expect(codeOf(exit as never)).toBe("NOT_FOUND");
    }
    expect(await db.select().from(t.profileAudit)).toHaveLength(0);
    await database.close();
  });

  it("P4 a pixel login fills the member id only for a team with pixel", async () => {
    const database = await handle.fresh();
    const { db } = database;
    for (const pixel of [true, false]) {
      const teamId = await seedTeam(db, { pixel });
      const { customerId } = await seedCustomer(db, teamId, {
        channel: "webchat",
        externalId: `visitor-${pixel}`,
      });
      const actor: IntegrationActor = {
        kind: "integration",
        teamId: teamId as TeamId,
        credentialId: randomUUID() as never,
      };
      const result = await Effect.runPromise(
        ingestMemberLogin(actor, { visitorId: `visitor-${pixel}`, websiteMemberId: "M-42" }).pipe(
          Effect.provide(layerOf(database)),
        ),
      );
      expect(result.filled).toBe(pixel);
      const [row] = await db.select().from(t.customers).where(eq(t.customers.id, customerId));
      expect(row?.memberId).toBe(pixel ? "M-42" : null);
    }
    await database.close();
  });

  it("B6 a published change reaches a listener of the same database, with its stored id", async () => {
    const database = await handle.fresh();
    const received: string[] = [];
    const unlisten = await database.listen(CHANGES_CHANNEL, (p) => received.push(p));
    const teamId = await seedTeam(database.db);
    await Effect.runPromise(
      makeChangeFeed(database.db).publish({
        teamId: teamId as TeamId,
        conversationId: null,
        customerId: null,
        kind: "presence",
        at: new Date("2025-01-01T00:00:00Z"),
      }),
    );
    for (let i = 0; i < 50 && received.length === 0; i++)
      await new Promise((r) => setTimeout(r, 20));
    await unlisten();
    const [stored] = await database.db.select().from(t.panelChanges);
    expect(received.map((p) => JSON.parse(p))).toEqual([
      {
        id: stored?.id,
        teamId,
        conversationId: null,
        customerId: null,
        kind: "presence",
        at: "2025-01-01T00:00:00.000Z",
      },
    ]);
    expect(stored?.id).toBeGreaterThan(0);
    await database.close();
  });
});
