import { randomUUID } from "node:crypto";
import type { ConversationId, EmailExportJob, TeamId } from "@customer-panel/core";
import { eq } from "drizzle-orm";
import { Effect } from "effect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  claimPendingExports,
  makeExportOutbox,
  markExportFailed,
  markExportSent,
} from "../src/repositories/export-outbox.js";
import * as t from "../src/schema.js";
import { type EngineHandle, engines } from "../src/testing/engines.js";
import { seedCustomer, seedMember, seedTeam } from "../src/testing/seed.js";
import { author } from "./port-calls.js";

const job = (
  teamId: string,
  conversationId: string,
  minute: number,
  by: string,
): EmailExportJob => ({
  exportId: randomUUID(),
  teamId: teamId as TeamId,
  conversationId: conversationId as ConversationId,
  to: "boss@example.com",
  requestedBy: author(by, "Ada"),
  requestedAt: new Date(Date.UTC(2025, 4, 1, 0, minute)),
});

describe.each(engines)("export outbox on $name", (engine) => {
  let handle: EngineHandle;
  beforeAll(async () => {
    handle = await engine.open();
  });
  afterAll(async () => handle?.dispose());

  describe("L7 email exports are queued, claimed oldest first, and marked", () => {
    it("enqueue → claim oldest first, the attempt counted → sent; a sent job is not claimed again", async () => {
      const { db } = await handle.fresh();
      const team = await seedTeam(db);
      const admin = await seedMember(db, team, "admin", "Ada");
      const { conversationId } = await seedCustomer(db, team);
      const outbox = makeExportOutbox(db);
      const late = job(team, conversationId, 5, admin);
      const early = job(team, conversationId, 1, admin);
      await Effect.runPromise(outbox.enqueue(late));
      await Effect.runPromise(outbox.enqueue(early));
      const claimed = await claimPendingExports(db, 1);
      expect(claimed).toEqual([{ ...early, attempts: 1 }]);
      await markExportSent(db, early.exportId, new Date("2025-05-01T01:00:00Z"));
      const next = await claimPendingExports(db, 10);
      expect(next.map((j) => j.exportId)).toEqual([late.exportId]);
      const [row] = await db
        .select()
        .from(t.emailExports)
        .where(eq(t.emailExports.id, early.exportId));
      expect(row).toMatchObject({ status: "sent", attempts: 1, recipient: "boss@example.com" });
    });

    it("a failure returns the job to pending until the last attempt, then marks it failed", async () => {
      const { db } = await handle.fresh();
      const team = await seedTeam(db);
      const { conversationId } = await seedCustomer(db, team);
      const queued = job(team, conversationId, 1, randomUUID());
      await Effect.runPromise(
        makeExportOutbox(db).enqueue({ ...queued, requestedBy: author(null, null) }),
      );
      await claimPendingExports(db, 5);
      expect(await markExportFailed(db, queued.exportId, "smtp timeout", 2)).toBe("pending");
      await claimPendingExports(db, 5);
      expect(await markExportFailed(db, queued.exportId, "x".repeat(5_000), 2)).toBe("failed");
      expect(await claimPendingExports(db, 5)).toEqual([]);
      const [row] = await db.select().from(t.emailExports);
      expect(row).toMatchObject({ status: "failed", attempts: 2 });
      expect(row?.lastError?.length).toBe(1_000);
      expect(await markExportFailed(db, randomUUID(), "gone")).toBeNull();
    });

    it("L7 a claimed job is not claimed by a second worker until its claim expires", async () => {
      const { db } = await handle.fresh();
      const team = await seedTeam(db);
      const { conversationId } = await seedCustomer(db, team);
      const queued = job(team, conversationId, 1, randomUUID());
      await Effect.runPromise(
        makeExportOutbox(db).enqueue({ ...queued, requestedBy: author(null, null) }),
      );
      const now = new Date("2025-05-01T00:00:00Z");
      const first = await claimPendingExports(db, 5, { now, claimMs: 60_000 });
      expect(first.map((j) => j.exportId)).toEqual([queued.exportId]);
      const meanwhile = new Date(now.getTime() + 59_000);
      expect(await claimPendingExports(db, 5, { now: meanwhile, claimMs: 60_000 })).toEqual([]);
      const expired = new Date(now.getTime() + 60_000);
      const retried = await claimPendingExports(db, 5, { now: expired, claimMs: 60_000 });
      expect(retried).toMatchObject([{ exportId: queued.exportId, attempts: 2 }]);
    });

    it("X2 a job for another team's or a missing conversation queues nothing and is NotFound", async () => {
      const { db } = await handle.fresh();
      const team = await seedTeam(db);
      const other = await seedTeam(db);
      const { conversationId } = await seedCustomer(db, other);
      const outbox = makeExportOutbox(db);
      for (const target of [conversationId, randomUUID()]) {
        const exit = await Effect.runPromise(
          Effect.either(outbox.enqueue(job(team, target, 1, randomUUID()))),
        );
        expect(exit).toMatchObject({ _tag: "Left", left: { code: "NOT_FOUND" } });
      }
      expect(await db.$count(t.emailExports)).toBe(0);
    });
  });
});
