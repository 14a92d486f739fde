import { type TagApplyResult, tagKeyOf } from "@customer-panel/core";
import { eq } from "drizzle-orm";
import { Effect } from "effect";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Db } from "../src/database.js";
import * as t from "../src/schema.js";
import { type Engine, type EngineHandle, serverEngine } from "../src/testing/engines.js";
import { seedCustomer, seedTeam } from "../src/testing/seed.js";
import {
  type ApplyInput,
  applicationCount,
  applyRequest,
  customerTagCount,
  tagUseCases,
  tagUses,
} from "./tag-requests.js";

/**
 * B1/T8 under real concurrency. PGlite runs one statement at a time, so these run on
 * PostgreSQL only — in CI, where TEST_DATABASE_URL is set. Without it the list is empty
 * and the one test below records why, instead of skipping silently.
 */
const concurrentEngines: readonly Engine[] = serverEngine ? [serverEngine] : [];

if (concurrentEngines.length === 0) {
  describe("B1 concurrency suite", () => {
    it("runs only against PostgreSQL: this run has no TEST_DATABASE_URL", () => {
      expect(process.env.TEST_DATABASE_URL).toBeUndefined();
    });
  });
}

describe.each(concurrentEngines)("B1/T8 exact counting under concurrency on $name", (engine) => {
  let handle: EngineHandle;
  let db: Db;
  let tags: ReturnType<typeof tagUseCases>;
  let teamId: string;
  let customerId: string;

  beforeAll(async () => {
    handle = await engine.open();
  });
  afterAll(async () => handle?.dispose());
  beforeEach(async () => {
    // The test engine's pool has 30 connections: enough for real overlap.
    db = (await handle.fresh()).db;
    tags = tagUseCases(db);
    teamId = await seedTeam(db);
    ({ customerId } = await seedCustomer(db, teamId));
  });

  const applyAll = (inputs: readonly (Partial<ApplyInput> & { name: string })[]) =>
    Promise.all(
      inputs.map((input) =>
        Effect.runPromise(tags.apply(applyRequest({ teamId, customerId, ...input }))),
      ),
    );

  it("200 concurrent confirmed applications of one tag to one customer add exactly 200", async () => {
    await applyAll([{ name: "VIP" }]);
    const results = await applyAll(
      Array.from({ length: 200 }, () => ({ name: "VIP", confirmed: true })),
    );
    expect(results.every((r) => r.kind === "applied")).toBe(true);
    // Each saw a different locked count: the answers are exactly 2..201.
    const counts = results.map((r) => r.count).sort((a, b) => a - b);
    expect(counts).toEqual(Array.from({ length: 200 }, (_, i) => i + 2));
    expect(await customerTagCount(db, customerId, "vip")).toBe(201);
    expect(await applicationCount(db, customerId, "vip")).toBe(201);
    expect(await tagUses(db, teamId, "vip")).toBe(201);
  });

  it("50 concurrent requests with one idempotency key count once and get one answer", async () => {
    const results = await applyAll(
      Array.from({ length: 50 }, () => ({
        name: "VIP",
        confirmed: true,
        idempotencyKey: "retry-me",
      })),
    );
    const applied = results.filter(
      (r): r is Extract<TagApplyResult, { kind: "applied" }> => r.kind === "applied",
    );
    expect(applied).toHaveLength(50);
    expect(new Set(applied.map((r) => r.applicationId)).size).toBe(1);
    expect(applied.filter((r) => !r.replayed)).toHaveLength(1);
    expect(new Set(applied.map((r) => r.appliedAt.getTime())).size).toBe(1);
    expect(await customerTagCount(db, customerId, "vip")).toBe(1);
    expect(await applicationCount(db, customerId, "vip")).toBe(1);
    expect(await tagUses(db, teamId, "vip")).toBe(1);
    expect(await db.select().from(t.idempotencyKeys)).toHaveLength(1);
  });

  it("concurrent first applications of a new tag name create one tag", async () => {
    const others = await Promise.all(Array.from({ length: 9 }, () => seedCustomer(db, teamId)));
    const customers = [customerId, ...others.map((o) => o.customerId)];
    // Ten customers at once, spelt in different cases: one team tag, ten applications.
    const results = await applyAll(
      customers.map((id, i) => ({ customerId: id, name: i % 2 === 0 ? "New Tag" : "NEW TAG" })),
    );
    const rows = await db.select().from(t.tags).where(eq(t.tags.teamId, teamId));
    expect(rows).toHaveLength(1);
    expect(rows[0]?.uses).toBe(10);
    expect(new Set(results.map((r) => r.tag.id))).toEqual(new Set([rows[0]?.id]));
    for (const id of customers) {
      expect(await customerTagCount(db, id, tagKeyOf("New Tag"))).toBe(1);
    }
  });

  it("two concurrent unconfirmed first applications to one customer: one applied, one asks", async () => {
    const results = await applyAll([{ name: "Fresh" }, { name: "fresh" }]);
    expect(results.map((r) => r.kind).sort()).toEqual(["applied", "confirmation_required"]);
    expect(await db.select().from(t.tags).where(eq(t.tags.teamId, teamId))).toHaveLength(1);
    expect(await customerTagCount(db, customerId, "fresh")).toBe(1);
    expect(await applicationCount(db, customerId, "fresh")).toBe(1);
  });
});
