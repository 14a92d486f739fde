import { randomUUID } from "node:crypto";
import { rankSuggestions, type SuggestionCandidate } from "@customer-panel/core";
import { eq, sql } from "drizzle-orm";
import { Effect } from "effect";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Db } from "../src/database.js";
import { makeTransactions } from "../src/repositories/transactions.js";
import * as t from "../src/schema.js";
import { type EngineHandle, engines } from "../src/testing/engines.js";
import { seedCustomer, seedMember, seedTeam } from "../src/testing/seed.js";
import {
  type ApplyInput,
  applicationCount,
  applyRequest,
  customerTagCount,
  failureOf,
  tagTableCounts,
  tagUseCases,
  tagUses,
} from "./tag-requests.js";

describe.each(engines)("Tags repository on $name", (engine) => {
  let handle: EngineHandle;
  let db: Db;
  let tags: ReturnType<typeof tagUseCases>;
  let teamId: string;
  let customerId: string;
  let conversationId: string;

  beforeAll(async () => {
    handle = await engine.open();
  });
  afterAll(async () => handle?.dispose());
  beforeEach(async () => {
    db = (await handle.fresh()).db;
    tags = tagUseCases(db);
    teamId = await seedTeam(db);
    ({ customerId, conversationId } = await seedCustomer(db, teamId));
  });

  const apply = (input: Partial<ApplyInput> & { readonly name: string }) =>
    Effect.runPromise(tags.apply(applyRequest({ teamId, customerId, ...input })));

  describe("T3 adding a tag creates the team tag and applies it", () => {
    it("creates the tag with its key and applies it with count 1", async () => {
      const result = await apply({ name: "  VIP   客戶 " });
      expect(result).toMatchObject({
        kind: "applied",
        count: 1,
        repeat: false,
        replayed: false,
        tag: { name: "VIP 客戶", key: "vip 客戶", teamId },
      });
      const rows = await db.select().from(t.tags).where(eq(t.tags.teamId, teamId));
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ name: "VIP 客戶", key: "vip 客戶", uses: 1 });
      expect(await customerTagCount(db, customerId, "vip 客戶")).toBe(1);
      expect(await applicationCount(db, customerId, "vip 客戶")).toBe(1);
    });
  });

  describe("T4 repeat tagging needs confirmation", () => {
    it("answers confirmation_required with the count and writes nothing, then counts the confirmed one", async () => {
      await apply({ name: "VIP" });
      const before = await tagTableCounts(db);
      const asked = await apply({ name: "VIP" });
      expect(asked).toMatchObject({
        kind: "confirmation_required",
        count: 1,
        tag: { name: "VIP" },
      });
      expect(await tagTableCounts(db)).toEqual(before);

      const confirmed = await apply({ name: "VIP", confirmed: true });
      expect(confirmed).toMatchObject({ kind: "applied", count: 2, repeat: true });
      expect(await customerTagCount(db, customerId, "vip")).toBe(2);
      expect(await applicationCount(db, customerId, "vip")).toBe(2);
      expect(await tagUses(db, teamId, "vip")).toBe(2);
    });

    it("counts a non-member repeat directly (core's decide runs on the stored count)", async () => {
      await apply({ name: "VIP", method: "automation" });
      const again = await apply({ name: "VIP", method: "automation" });
      expect(again).toMatchObject({ kind: "applied", count: 2, repeat: true });
    });
  });

  describe("T5 removing a tag restarts its count and keeps the history", () => {
    it("removes, then a later application starts at 1 without confirmation", async () => {
      const first = await apply({ name: "VIP" });
      await apply({ name: "VIP", confirmed: true });
      if (first.kind !== "applied") throw new Error("expected applied");
      const removed = await Effect.runPromise(
        tags.remove(teamId as never, customerId as never, first.tag.id),
      );
      expect(removed).toEqual({
        decision: { kind: "removed", previousCount: 2 },
        tag: first.tag,
      });
      expect(await customerTagCount(db, customerId, "vip")).toBe(0);
      expect(await applicationCount(db, customerId, "vip")).toBe(2);

      const again = await apply({ name: "VIP" });
      expect(again).toMatchObject({ kind: "applied", count: 1, repeat: false });
      expect(await applicationCount(db, customerId, "vip")).toBe(3);
      expect(await tagUses(db, teamId, "vip")).toBe(3);
    });

    it("removing a tag the customer does not have is harmless", async () => {
      const other = await seedCustomer(db, teamId);
      const applied = await apply({ name: "VIP", customerId: other.customerId });
      if (applied.kind !== "applied") throw new Error("expected applied");
      const removed = await Effect.runPromise(
        tags.remove(teamId as never, customerId as never, applied.tag.id),
      );
      expect(removed.decision).toEqual({ kind: "not_applied" });
      expect(await customerTagCount(db, other.customerId, "vip")).toBe(1);
    });
  });

  describe("T1 tag names that differ only by case are one tag", () => {
    it("applies VIP, vip and full-width ＶＩＰ to one tag named as first typed", async () => {
      const first = await apply({ name: "VIP" });
      const second = await apply({ name: "vip" });
      const third = await apply({ name: "ＶＩＰ", confirmed: true });
      expect(second).toMatchObject({ kind: "confirmation_required", count: 1 });
      expect(third).toMatchObject({ kind: "applied", count: 2 });
      expect(second.tag).toEqual(first.tag);
      expect(third.tag).toEqual(first.tag);
      expect(first.tag.name).toBe("VIP");
      expect(await db.select().from(t.tags)).toHaveLength(1);
    });
  });

  describe("T7 every application records when, channel, method and member", () => {
    it("takes the conversation's channel, the method and the member", async () => {
      const memberId = await seedMember(db, teamId, "cs_agent", "小美");
      const wa = await seedCustomer(db, teamId, { channel: "whatsapp" });
      const at = new Date("2025-03-04T05:06:07.089Z");
      const result = await apply({
        name: "VIP",
        customerId: wa.customerId,
        conversationId: wa.conversationId,
        memberId,
        at,
      });
      expect(result).toMatchObject({ kind: "applied", channel: "whatsapp", appliedAt: at });
      const off = await apply({ name: "VIP", method: "api", at });
      expect(off).toMatchObject({ kind: "applied", channel: null });

      const rows = await db
        .select()
        .from(t.tagApplications)
        .orderBy(sql`${t.tagApplications.customerId} = ${wa.customerId} desc`);
      expect(rows).toHaveLength(2);
      expect(rows[0]).toMatchObject({
        customerId: wa.customerId,
        channel: "whatsapp",
        conversationId: wa.conversationId,
        method: "manual",
        memberId,
        appliedAt: at,
      });
      if (result.kind === "applied") expect(rows[0]?.id).toBe(result.applicationId);
      expect(rows[1]).toMatchObject({
        customerId,
        channel: null,
        conversationId: null,
        method: "api",
        memberId: null,
      });
    });

    it("uses the line conversation's channel for the default customer", async () => {
      const result = await apply({ name: "VIP", conversationId });
      expect(result).toMatchObject({ kind: "applied", channel: "line" });
    });
  });

  describe("T8 a retried request with the same idempotency key counts once", () => {
    it("replays the first answer with replayed true, dates revived", async () => {
      const at = new Date("2025-05-06T07:08:09.010Z");
      const first = await apply({ name: "VIP", idempotencyKey: "k-1", at, conversationId });
      const retry = await apply({
        name: "VIP",
        idempotencyKey: "k-1",
        at: new Date(),
        conversationId,
      });
      expect(first).toMatchObject({ kind: "applied", replayed: false });
      expect(retry).toEqual({ ...first, replayed: true });
      if (retry.kind !== "applied") throw new Error("expected applied");
      expect(retry.appliedAt).toBeInstanceOf(Date);
      expect(retry.appliedAt.getTime()).toBe(at.getTime());
      expect(await applicationCount(db, customerId, "vip")).toBe(1);
      expect(await customerTagCount(db, customerId, "vip")).toBe(1);
      expect(await tagUses(db, teamId, "vip")).toBe(1);
    });

    it("replays the first answer even after the count moved on", async () => {
      const first = await apply({ name: "VIP", idempotencyKey: "k-1", confirmed: true });
      await apply({ name: "VIP", confirmed: true });
      const retry = await apply({ name: "VIP", idempotencyKey: "k-1", confirmed: true });
      expect(retry).toEqual({ ...first, replayed: true });
      expect(retry.count).toBe(1);
      expect(await applicationCount(db, customerId, "vip")).toBe(2);
    });

    it("refuses the key with another request: IDEMPOTENCY_KEY_REUSED, nothing written", async () => {
      await apply({ name: "VIP", idempotencyKey: "k-1" });
      const before = await tagTableCounts(db);
      const error = await failureOf(
        tags.apply(applyRequest({ teamId, customerId, name: "Gold", idempotencyKey: "k-1" })),
      );
      expect(error.code).toBe("IDEMPOTENCY_KEY_REUSED");
      expect(await tagTableCounts(db)).toEqual(before);
    });

    it("does not store a confirmation_required answer: the confirmed retry is applied", async () => {
      await apply({ name: "VIP" });
      const asked = await apply({ name: "VIP", idempotencyKey: "k-2", fingerprint: "f" });
      expect(asked.kind).toBe("confirmation_required");
      const again = await apply({ name: "VIP", idempotencyKey: "k-2", fingerprint: "f" });
      expect(again.kind).toBe("confirmation_required");
      expect((await tagTableCounts(db)).idempotencyKeys).toBe(0);
    });

    it("keys are per team: another team's key is not replayed here", async () => {
      const otherTeam = await seedTeam(db);
      const other = await seedCustomer(db, otherTeam);
      await Effect.runPromise(
        tags.apply(
          applyRequest({
            teamId: otherTeam,
            customerId: other.customerId,
            name: "VIP",
            idempotencyKey: "k-1",
            fingerprint: "same",
          }),
        ),
      );
      const mine = await apply({ name: "VIP", idempotencyKey: "k-1", fingerprint: "same" });
      expect(mine).toMatchObject({ kind: "applied", replayed: false, tag: { teamId } });
    });
  });

  describe("tags.apply is two statements in one transaction (the lock CTE, the record CTE)", () => {
    it("a first and a repeat application each send two statements besides BEGIN/COMMIT", async () => {
      const statements: string[] = [];
      const counted = (await handle.fresh({ onQuery: (s) => statements.push(s) })).db;
      const team = await seedTeam(counted);
      const { customerId: customer } = await seedCustomer(counted, team);
      const countedTags = tagUseCases(counted);
      for (const confirmed of [false, true]) {
        statements.length = 0;
        const result = await Effect.runPromise(
          countedTags.apply(
            applyRequest({ teamId: team, customerId: customer, name: "VIP", confirmed }),
          ),
        );
        expect(result.kind).toBe("applied");
        const work = statements.filter((s) => !/^\s*(begin|commit|rollback)\b/i.test(s));
        expect(work).toHaveLength(2);
      }
    });

    it("a failure after the lock rolls the tag it created back", async () => {
      const request = applyRequest({ teamId, customerId, name: "Rolled back" });
      const failing = Effect.gen(function* () {
        yield* tags.lockApplication(request);
        return yield* Effect.fail("refused" as const);
      });
      const exit = await Effect.runPromiseExit(makeTransactions(db).withTransaction(failing));
      expect(exit._tag).toBe("Failure");
      expect(await tagTableCounts(db)).toMatchObject({ tags: 0 });
    });
  });

  describe("T2 suggestions: prefix first, most used first, wildcards literal, any script", () => {
    const seedTags = async (team: string, list: readonly (readonly [string, number])[]) => {
      const rows = list.map(([name, uses]) => ({
        id: randomUUID(),
        teamId: team,
        name,
        key: name.toLowerCase(),
        uses,
      }));
      await db.insert(t.tags).values(rows);
      return rows.map(
        (r): SuggestionCandidate => ({
          tagId: r.id as never,
          name: r.name,
          key: r.key,
          uses: r.uses,
        }),
      );
    };
    const suggest = (query: string, limit = 10) =>
      Effect.runPromise(tags.suggest(teamId as never, query, limit));
    const names = (list: readonly SuggestionCandidate[]) => list.map((c) => c.name);

    let candidates: SuggestionCandidate[];
    beforeEach(async () => {
      candidates = await seedTags(teamId, [
        ["vip", 1],
        ["vip gold", 5],
        ["super vip", 9],
        ["VIP會員", 3],
        ["會員", 2],
        ["100%", 0],
        ["a_b", 0],
        ["axb", 0],
        ["back\\slash", 0],
        ["tie b", 4],
        ["tie a", 4],
      ]);
      const otherTeam = await seedTeam(db);
      await seedTags(otherTeam, [
        ["vip other team", 100],
        ["%", 100],
      ]);
    });

    it("orders prefix matches first, each group most used first", async () => {
      expect(names(await suggest("vip"))).toEqual(["vip gold", "VIP會員", "vip", "super vip"]);
    });

    it("treats %, _ and \\ as the characters typed", async () => {
      expect(names(await suggest("%"))).toEqual(["100%"]);
      expect(names(await suggest("_"))).toEqual(["a_b"]);
      expect(names(await suggest("\\"))).toEqual(["back\\slash"]);
    });

    it("finds CJK text inside a key (會員 finds VIP會員)", async () => {
      expect(names(await suggest("會員"))).toEqual(["會員", "VIP會員"]);
      expect(names(await suggest("員"))).toEqual(["VIP會員", "會員"]);
    });

    it("an empty query lists the most used, ties by key, at most `limit`", async () => {
      expect(names(await suggest("", 4))).toEqual(["super vip", "vip gold", "tie a", "tie b"]);
    });

    it("never suggests another team's tags (X2)", async () => {
      const all = await suggest("", 100);
      expect(all).toHaveLength(candidates.length);
      expect(all.every((c) => candidates.some((mine) => mine.tagId === c.tagId))).toBe(true);
    });

    it("agrees with core's rankSuggestions on every query (the SQL cut keeps core's best)", async () => {
      const queries = ["", "v", "vip", "ip", "會", "會員", "tie", "x", "%", "_", "s", "zzz"];
      for (const query of queries) {
        expect(await suggest(query, 3), query).toEqual(rankSuggestions(query, candidates, 3));
      }
    });
  });

  describe("T6 tag frequency per customer, optionally in a range", () => {
    it("counts every application, before and after a removal, inside [startsAt, endsBefore)", async () => {
      const t1 = new Date("2025-01-01T00:00:00Z");
      const t2 = new Date("2025-01-02T00:00:00Z");
      const t3 = new Date("2025-01-03T00:00:00Z");
      const t4 = new Date("2025-01-04T00:00:00Z");
      const a = await apply({ name: "Alpha", at: t1 });
      await apply({ name: "Alpha", at: t2, confirmed: true });
      await apply({ name: "Alpha", at: t3, confirmed: true });
      const b = await apply({ name: "Beta", at: t2 });
      await Effect.runPromise(tags.remove(teamId as never, customerId as never, a.tag.id));
      await apply({ name: "alpha", at: t4 });
      const other = await seedCustomer(db, teamId);
      await apply({ name: "Beta", at: t2, customerId: other.customerId });

      const all = await Effect.runPromise(
        tags.frequency(teamId as never, customerId as never, null),
      );
      expect(all).toEqual([
        { tagId: a.tag.id, name: "Alpha", applications: 4, lastAppliedAt: t4 },
        { tagId: b.tag.id, name: "Beta", applications: 1, lastAppliedAt: t2 },
      ]);
      const ranged = await Effect.runPromise(
        tags.frequency(teamId as never, customerId as never, { startsAt: t2, endsBefore: t4 }),
      );
      expect(ranged).toEqual([
        { tagId: a.tag.id, name: "Alpha", applications: 2, lastAppliedAt: t3 },
        { tagId: b.tag.id, name: "Beta", applications: 1, lastAppliedAt: t2 },
      ]);
      const empty = await Effect.runPromise(
        tags.frequency(teamId as never, customerId as never, { startsAt: t4, endsBefore: t4 }),
      );
      expect(empty).toEqual([]);
    });

    it("orders equal counts by name", async () => {
      await apply({ name: "b" });
      await apply({ name: "a" });
      await apply({ name: "c" });
      await apply({ name: "c", confirmed: true });
      const rows = await Effect.runPromise(
        tags.frequency(teamId as never, customerId as never, null),
      );
      expect(rows.map((r) => r.name)).toEqual(["c", "a", "b"]);
    });
  });

  describe("X2 another team's ids answer exactly like missing ones, and nothing is written", () => {
    let foreign: { customerId: string; conversationId: string; tagId: string };
    beforeEach(async () => {
      const otherTeam = await seedTeam(db);
      const other = await seedCustomer(db, otherTeam);
      const applied = await Effect.runPromise(
        tags.apply(applyRequest({ teamId: otherTeam, customerId: other.customerId, name: "VIP" })),
      );
      foreign = { ...other, tagId: applied.tag.id };
      await apply({ name: "Mine" });
    });

    const sameFailure = async <E extends { code: string }>(
      foreignCall: () => Effect.Effect<unknown, E>,
      missingCall: () => Effect.Effect<unknown, E>,
      code: string,
      resource: string,
    ) => {
      const before = await tagTableCounts(db);
      const fromForeign = await failureOf(foreignCall());
      const fromMissing = await failureOf(missingCall());
      expect(fromForeign).toEqual(fromMissing);
      expect(fromForeign).toMatchObject({ code, resource });
      expect(await tagTableCounts(db)).toEqual(before);
    };

    it("apply to another team's customer", async () => {
      const request = (id: string) =>
        tags.apply(
          applyRequest({ teamId, customerId: id, name: "Brand new", idempotencyKey: "x2" }),
        );
      await sameFailure(
        () => request(foreign.customerId),
        () => request(randomUUID()),
        "NOT_FOUND",
        "customer",
      );
    });

    it("apply with another team's conversation, or another customer's", async () => {
      const sibling = await seedCustomer(db, teamId);
      const request = (id: string) =>
        tags.apply(applyRequest({ teamId, customerId, name: "Brand new", conversationId: id }));
      await sameFailure(
        () => request(foreign.conversationId),
        () => request(randomUUID()),
        "NOT_FOUND",
        "conversation",
      );
      await sameFailure(
        () => request(sibling.conversationId),
        () => request(randomUUID()),
        "NOT_FOUND",
        "conversation",
      );
    });

    it("remove with another team's customer or tag", async () => {
      const mine = await apply({ name: "Mine" });
      await sameFailure(
        () => tags.remove(teamId as never, foreign.customerId as never, mine.tag.id),
        () => tags.remove(teamId as never, randomUUID() as never, mine.tag.id),
        "NOT_FOUND",
        "customer",
      );
      await sameFailure(
        () => tags.remove(teamId as never, customerId as never, foreign.tagId as never),
        () => tags.remove(teamId as never, customerId as never, randomUUID() as never),
        "NOT_FOUND",
        "tag",
      );
    });

    it("frequency of another team's customer", async () => {
      await sameFailure(
        () => tags.frequency(teamId as never, foreign.customerId as never, null),
        () => tags.frequency(teamId as never, randomUUID() as never, null),
        "NOT_FOUND",
        "customer",
      );
    });
  });
});
