import { randomUUID } from "node:crypto";
import {
  applyTagRequest,
  type CustomerId,
  normaliseTagName,
  removeTagFrom,
  type TagId,
  type TagMethod,
  type TeamId,
} from "@customer-panel/core";
import { type TagApplyRequest, Tags, Transactions } from "@customer-panel/core/adapter";
import { type SQL, sql } from "drizzle-orm";
import { Effect, Either, Layer } from "effect";
import type { Db } from "../src/database.js";
import { makeTags } from "../src/repositories/tags.js";
import { makeTransactions } from "../src/repositories/transactions.js";

/**
 * Tag requests as core's use case builds them, core's transactions of a tag application
 * and removal run on the Tags repository, and counters read straight from the tables, for
 * the tag repository tests.
 */

/** What a test says about one application; everything else has a default. */
export interface ApplyInput {
  readonly teamId: string;
  readonly customerId: string;
  readonly name: string;
  readonly conversationId?: string | null;
  readonly method?: TagMethod;
  readonly confirmed?: boolean;
  readonly memberId?: string | null;
  readonly at?: Date;
  readonly idempotencyKey?: string | null;
  readonly fingerprint?: string;
}

/** A full TagApplyRequest with fresh ids, like `applyTag` in core makes it. */
export const applyRequest = (input: ApplyInput): TagApplyRequest => {
  const tag = Either.getOrThrow(normaliseTagName(input.name));
  const method = input.method ?? "manual";
  const confirmed = input.confirmed ?? false;
  const memberId = input.memberId ?? null;
  return {
    teamId: input.teamId as never,
    customerId: input.customerId as never,
    tag,
    conversationId: (input.conversationId ?? null) as never,
    method,
    author: { memberId: memberId as never, memberName: null },
    at: input.at ?? new Date(),
    idempotencyKey: input.idempotencyKey ?? null,
    fingerprint:
      input.fingerprint ??
      JSON.stringify([input.customerId, tag.key, input.conversationId ?? null, confirmed, method]),
    newApplicationId: randomUUID() as never,
    newTagId: randomUUID() as never,
    confirmed,
  };
};

/**
 * The Tags repository with core's `applyTagRequest` and `removeTagFrom` run on it (and its
 * transactions): what `tags.apply`/`tags.remove` do below the permission check.
 */
export const tagUseCases = (db: Db) => {
  const tags = makeTags(db);
  const ports = Layer.merge(
    Layer.succeed(Tags, tags),
    Layer.succeed(Transactions, makeTransactions(db)),
  );
  return {
    ...tags,
    apply: (request: TagApplyRequest) => applyTagRequest(request).pipe(Effect.provide(ports)),
    remove: (teamId: TeamId, customerId: CustomerId, tagId: TagId) =>
      removeTagFrom(teamId, customerId, tagId).pipe(Effect.provide(ports)),
  };
};

/** The error an Effect fails with (the test fails if it succeeds). */
export const failureOf = <A, E>(effect: Effect.Effect<A, E>): Promise<E> =>
  Effect.runPromise(Effect.flip(effect));

/** A single integer read with raw SQL. */
export const countWith = async (db: Db, query: SQL): Promise<number> => {
  const result = (await db.execute(query)) as unknown as { rows: { n: number | string }[] };
  return Number(result.rows[0]?.n);
};

/** Row counts of every table the tag repository writes. */
export const tagTableCounts = async (db: Db) => ({
  tags: await countWith(db, sql`select count(*)::int as n from tags`),
  customerTags: await countWith(db, sql`select count(*)::int as n from customer_tags`),
  applications: await countWith(db, sql`select count(*)::int as n from tag_applications`),
  idempotencyKeys: await countWith(db, sql`select count(*)::int as n from idempotency_keys`),
  uses: await countWith(db, sql`select coalesce(sum(uses), 0)::int as n from tags`),
});

/** The customer's count of the tag with this key (0 when none). */
export const customerTagCount = (db: Db, customerId: string, key: string) =>
  countWith(
    db,
    sql`select coalesce(max(ct.count), 0)::int as n from customer_tags ct
        join tags t on t.id = ct.tag_id where ct.customer_id = ${customerId} and t.key = ${key}`,
  );

/** Applications of the tag with this key to the customer. */
export const applicationCount = (db: Db, customerId: string, key: string) =>
  countWith(
    db,
    sql`select count(*)::int as n from tag_applications a
        join tags t on t.id = a.tag_id where a.customer_id = ${customerId} and t.key = ${key}`,
  );

/** The tag's team-wide `uses` (0 when the tag does not exist). */
export const tagUses = (db: Db, teamId: string, key: string) =>
  countWith(
    db,
    sql`select coalesce(max(uses), 0)::int as n from tags where team_id = ${teamId} and key = ${key}`,
  );
