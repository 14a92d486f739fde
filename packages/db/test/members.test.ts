import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../src/database.js";
import {
  holderStanding,
  MemberChangeRefused,
  memberKey,
  removeMember,
  setMemberRole,
} from "../src/repositories/members.js";
import * as t from "../src/schema.js";
import { type EngineHandle, engines } from "../src/testing/engines.js";
import { seedCustomer, seedMember, seedTeam } from "../src/testing/seed.js";

const refusal = async (call: Promise<unknown>) => {
  try {
    await call;
  } catch (error) {
    if (error instanceof MemberChangeRefused) return { code: error.code, field: error.field };
    throw error;
  }
  throw new Error("expected a refusal");
};

describe.each(engines)("member administration on $name", (engine) => {
  let handle: EngineHandle;
  let database: Database;

  beforeAll(async () => {
    handle = await engine.open();
    database = await handle.fresh();
  });
  afterAll(async () => handle?.dispose());

  const credentialOf = async (teamId: string, memberId: string) => {
    const id = randomUUID();
    await database.db.insert(t.credentials).values({
      id,
      teamId,
      kind: "member",
      memberId,
      client: "web",
      secretHash: randomUUID(),
    });
    return id;
  };

  it("removeMember deletes the member, its credentials and preferences, and unassigns its conversations", async () => {
    const teamId = await seedTeam(database.db);
    const memberId = await seedMember(database.db, teamId, "cs_agent");
    const keep = await seedMember(database.db, teamId, "admin");
    const credentialId = await credentialOf(teamId, memberId);
    await database.db.insert(t.memberPreferences).values({ teamId, memberId, panelHidden: true });
    const { conversationId } = await seedCustomer(database.db, teamId, { channel: "line" });
    await database.db
      .update(t.conversations)
      .set({ assigneeId: memberId })
      .where(eq(t.conversations.id, conversationId));

    await removeMember(database.db, teamId, memberId);

    expect(await database.db.select().from(t.members).where(eq(t.members.id, memberId))).toEqual(
      [],
    );
    expect(
      await database.db.select().from(t.credentials).where(eq(t.credentials.id, credentialId)),
    ).toEqual([]);
    expect(
      await database.db
        .select()
        .from(t.memberPreferences)
        .where(eq(t.memberPreferences.memberId, memberId)),
    ).toEqual([]);
    const [conversation] = await database.db
      .select({ assigneeId: t.conversations.assigneeId })
      .from(t.conversations)
      .where(eq(t.conversations.id, conversationId));
    expect(conversation?.assigneeId).toBeNull();
    expect(await database.db.select().from(t.members).where(eq(t.members.id, keep))).toHaveLength(
      1,
    );
  });

  it("removeMember of another team's member, an unknown or malformed id is MEMBER_NOT_FOUND and changes nothing", async () => {
    const teamA = await seedTeam(database.db);
    const teamB = await seedTeam(database.db);
    const memberB = await seedMember(database.db, teamB, "admin");
    expect(await refusal(removeMember(database.db, teamA, memberB))).toEqual({
      code: "MEMBER_NOT_FOUND",
      field: "memberId",
    });
    expect(await refusal(removeMember(database.db, teamA, randomUUID()))).toMatchObject({
      code: "MEMBER_NOT_FOUND",
    });
    expect(await refusal(removeMember(database.db, teamA, "'; drop table members"))).toMatchObject({
      code: "MEMBER_NOT_FOUND",
    });
    expect(
      await database.db.select().from(t.members).where(eq(t.members.id, memberB)),
    ).toHaveLength(1);
  });

  it("setMemberRole changes the role; an unknown role is INVALID_ROLE, another team's member MEMBER_NOT_FOUND", async () => {
    const teamId = await seedTeam(database.db);
    const other = await seedTeam(database.db);
    const memberId = await seedMember(database.db, teamId, "cs_agent");
    await setMemberRole(database.db, teamId, memberId, "supervisor");
    const roleOf = async () =>
      (
        await database.db
          .select({ role: t.members.role })
          .from(t.members)
          .where(and(eq(t.members.teamId, teamId), eq(t.members.id, memberId)))
      )[0]?.role;
    expect(await roleOf()).toBe("supervisor");
    expect(await refusal(setMemberRole(database.db, teamId, memberId, "owner"))).toEqual({
      code: "INVALID_ROLE",
      field: "role",
    });
    expect(await refusal(setMemberRole(database.db, other, memberId, "admin"))).toEqual({
      code: "MEMBER_NOT_FOUND",
      field: "memberId",
    });
    expect(await roleOf()).toBe("supervisor");
  });

  it("holderStanding reads roles and active credentials of many holders at once", async () => {
    const teamId = await seedTeam(database.db);
    const a = await seedMember(database.db, teamId, "cs_agent");
    const b = await seedMember(database.db, teamId, "sales");
    const ca = await credentialOf(teamId, a);
    const cb = await credentialOf(teamId, b);
    await database.db
      .update(t.credentials)
      .set({ revokedAt: new Date() })
      .where(eq(t.credentials.id, cb));
    const gone = randomUUID();
    const standing = await holderStanding(database.db, [
      { teamId, memberId: a, credentialId: ca },
      { teamId, memberId: b, credentialId: cb },
      { teamId, memberId: gone, credentialId: null },
    ]);
    expect(standing.roles.get(memberKey(teamId, a))).toBe("cs_agent");
    expect(standing.roles.get(memberKey(teamId, b))).toBe("sales");
    expect(standing.roles.has(memberKey(teamId, gone))).toBe(false);
    expect([...standing.activeCredentials]).toEqual([ca]);
  });
});
