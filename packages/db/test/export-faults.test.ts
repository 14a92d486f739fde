import {
  type ConversationId,
  exportConversationCsv,
  type MemberActor,
  type MemberId,
  type TeamId,
} from "@customer-panel/core";
import { parse } from "csv-parse/sync";
import { eq } from "drizzle-orm";
import { Effect } from "effect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../src/database.js";
import { databaseLayer } from "../src/layer.js";
import { rowExportFor } from "../src/row-export/row-export.js";
import * as t from "../src/schema.js";
import { type EngineHandle, engines } from "../src/testing/engines.js";
import { seedCustomer, seedMember, seedMessages, seedTeam } from "../src/testing/seed.js";

/**
 * L7 fault injection: the last export time changes only when an export really
 * completed. A consumer that fails half-way through the stream (a dropped download,
 * a crashed worker) leaves it as it was.
 */

const seedExport = async (db: Db) => {
  const teamId = await seedTeam(db);
  const adminId = await seedMember(db, teamId, "admin", "管理員");
  const { conversationId } = await seedCustomer(db, teamId, { channel: "line" });
  // More rows than one transcript batch, so the failure lands mid-stream.
  await seedMessages(
    db,
    teamId,
    conversationId,
    Array.from({ length: 4_500 }, (_, i) => `=HYPERLINK("x") 訊息 ${i}`),
  );
  const admin: MemberActor = {
    kind: "member",
    teamId: teamId as TeamId,
    memberId: adminId as MemberId,
    name: "管理員",
    role: "admin",
    client: "web",
  };
  return { admin, conversationId: conversationId as ConversationId };
};

const lastExportedAt = async (db: Db, conversationId: string) => {
  const [row] = await db
    .select({ at: t.conversations.lastExportedAt })
    .from(t.conversations)
    .where(eq(t.conversations.id, conversationId));
  return row?.at ?? null;
};

describe.each(engines)("L7 export completes or leaves no trace on $name", (engine) => {
  let handle: EngineHandle;
  beforeAll(async () => {
    handle = await engine.open();
  });
  afterAll(async () => handle?.dispose());

  it("a failure in the middle of the stream leaves the last export time unchanged", async () => {
    const database = await handle.fresh();
    const { admin, conversationId } = await seedExport(database.db);
    const layer = databaseLayer(database.db, rowExportFor(database));
    const download = await Effect.runPromise(
      exportConversationCsv(admin, { conversationId }).pipe(Effect.provide(layer)),
    );
    let chunks = 0;
    await expect(
      (async () => {
        for await (const _ of download.chunks) {
          chunks++;
          if (chunks === 3) throw new Error("client went away");
        }
        await Effect.runPromise(download.complete.pipe(Effect.provide(layer)));
      })(),
    ).rejects.toThrow("client went away");
    expect(chunks).toBe(3);
    expect(await lastExportedAt(database.db, conversationId)).toBeNull();
    const log = await database.db.select().from(t.conversationEvents);
    expect(log.filter((e) => e.type === "exported")).toEqual([]);
  });

  it("a complete stream sets it, and every row arrives, formula cells neutralised", async () => {
    const database = await handle.fresh();
    const { admin, conversationId } = await seedExport(database.db);
    const layer = databaseLayer(database.db, rowExportFor(database));
    const download = await Effect.runPromise(
      exportConversationCsv(admin, { conversationId }).pipe(Effect.provide(layer)),
    );
    let text = "";
    for await (const chunk of download.chunks) text += chunk;
    await Effect.runPromise(download.complete.pipe(Effect.provide(layer)));
    const rows: string[][] = parse(text, { bom: true });
    expect(rows).toHaveLength(4_501);
    expect(rows[1]?.[3]).toBe(`'=HYPERLINK("x") 訊息 0`);
    expect(await lastExportedAt(database.db, conversationId)).not.toBeNull();
  });
});
