import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase, type Database } from "../src/database.js";
import { pendingMigrations } from "../src/migration-state.js";
import { listCredentials } from "../src/repositories/credentials.js";
import { pendingExportCount } from "../src/repositories/export-outbox.js";
import {
  addMember,
  createTeam,
  setTeamFeatures,
  setTeamTimeZone,
  TeamChangeRefused,
} from "../src/repositories/team-admin.js";
import * as t from "../src/schema.js";
import { type EngineHandle, engines } from "../src/testing/engines.js";
import { seedCustomer } from "../src/testing/seed.js";

const refusal = async (call: Promise<unknown>) => {
  try {
    await call;
  } catch (error) {
    if (error instanceof TeamChangeRefused) return { code: error.code, field: error.field };
    throw error;
  }
  throw new Error("expected a refusal");
};

describe.each(engines)("team administration on $name", (engine) => {
  let handle: EngineHandle;
  let database: Database;

  beforeAll(async () => {
    handle = await engine.open();
    database = await handle.fresh();
  });
  afterAll(async () => handle?.dispose());

  it("createTeam stores a team with every feature off and Asia/Taipei unless told", async () => {
    const team = await createTeam(database.db, { name: "  晴天選物  " });
    expect(team).toEqual({
      id: expect.any(String),
      name: "晴天選物",
      timeZone: "Asia/Taipei",
      features: { pixel: false, omo: false, conversationExport: false },
    });
    const other = await createTeam(database.db, {
      name: "Island",
      timeZone: "Europe/Berlin",
      features: { omo: true },
    });
    expect(other.timeZone).toBe("Europe/Berlin");
    expect(other.features).toEqual({ pixel: false, omo: true, conversationExport: false });
  });

  it("setTeamFeatures changes the named features only; setTeamTimeZone the zone", async () => {
    const team = await createTeam(database.db, { name: "T", features: { pixel: true } });
    const changed = await setTeamFeatures(database.db, team.id, { conversationExport: true });
    expect(changed.features).toEqual({ pixel: true, omo: false, conversationExport: true });
    const zoned = await setTeamTimeZone(database.db, team.id, "Asia/Tokyo");
    expect(zoned.timeZone).toBe("Asia/Tokyo");
    expect(zoned.features).toEqual(changed.features);
  });

  it.each([
    [
      "an unknown zone",
      () => createTeam(database.db, { name: "T", timeZone: "Mars/Base" }),
      "INVALID_TIME_ZONE",
      "timeZone",
    ],
    ["an empty name", () => createTeam(database.db, { name: "   " }), "INVALID_NAME", "name"],
    [
      "a missing team (features)",
      () => setTeamFeatures(database.db, randomUUID(), { omo: true }),
      "TEAM_NOT_FOUND",
      "teamId",
    ],
    [
      "a malformed team id (zone)",
      () => setTeamTimeZone(database.db, "nope", "Asia/Taipei"),
      "TEAM_NOT_FOUND",
      "teamId",
    ],
    [
      "a missing team (member)",
      () => addMember(database.db, randomUUID(), { name: "A", role: "admin" }),
      "TEAM_NOT_FOUND",
      "teamId",
    ],
  ] as const)("refuses %s with a stable code", async (_, call, code, field) => {
    expect(await refusal(call())).toEqual({ code, field });
  });

  it("addMember adds a member with a valid role and refuses an unknown role", async () => {
    const team = await createTeam(database.db, { name: "T" });
    const member = await addMember(database.db, team.id, { name: "小美", role: "cs_agent" });
    expect(member).toEqual({
      id: expect.any(String),
      teamId: team.id,
      name: "小美",
      role: "cs_agent",
    });
    expect(await refusal(addMember(database.db, team.id, { name: "X", role: "owner" }))).toEqual({
      code: "INVALID_ROLE",
      field: "role",
    });
    const rows = await database.db.select().from(t.members);
    expect(rows.filter((m) => m.teamId === team.id).map((m) => m.name)).toEqual(["小美"]);
  });

  it("listCredentials lists a team's credentials without any hash, revoked ones included", async () => {
    const team = await createTeam(database.db, { name: "T" });
    const member = await addMember(database.db, team.id, { name: "A", role: "admin" });
    const ids = [randomUUID(), randomUUID()];
    await database.db.insert(t.credentials).values([
      {
        id: ids[0] as string,
        teamId: team.id,
        kind: "member",
        memberId: member.id,
        client: "web",
        secretHash: randomUUID(),
        label: "desk",
      },
      {
        id: ids[1] as string,
        teamId: team.id,
        kind: "integration",
        secretHash: randomUUID(),
        revokedAt: new Date(),
      },
    ]);
    const listed = await listCredentials(database.db, team.id);
    expect(listed.map((c) => c.id).sort()).toEqual([...ids].sort());
    expect(listed.find((c) => c.id === ids[0])).toMatchObject({
      kind: "member",
      memberId: member.id,
      client: "web",
      label: "desk",
      revokedAt: null,
    });
    expect(listed.find((c) => c.id === ids[1])?.revokedAt).toBeInstanceOf(Date);
    expect(JSON.stringify(listed)).not.toMatch(/secret/i);
    expect(await listCredentials(database.db, "not-a-uuid")).toEqual([]);
  });

  it("pendingExportCount counts the outbox's pending jobs", async () => {
    const before = await pendingExportCount(database.db);
    const team = await createTeam(database.db, { name: "T" });
    const { conversationId } = await seedCustomer(database.db, team.id);
    await database.db.insert(t.emailExports).values({
      id: randomUUID(),
      teamId: team.id,
      conversationId,
      recipient: "a@example.com",
      requestedAt: new Date(),
    });
    expect(await pendingExportCount(database.db)).toBe(before + 1);
  });

  it("pendingMigrations is 0 on a migrated database", async () => {
    expect(await pendingMigrations(database)).toBe(0);
  });
});

describe("pendingMigrations on an empty database", () => {
  it("counts every committed migration, and 0 after migrate", async () => {
    const empty = await createDatabase();
    try {
      const all = await pendingMigrations(empty);
      expect(all).toBeGreaterThan(5);
      await empty.migrate();
      expect(await pendingMigrations(empty)).toBe(0);
    } finally {
      await empty.close();
    }
  });
});
