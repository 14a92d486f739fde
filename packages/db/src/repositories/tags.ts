import {
  type Channel,
  type CustomerId,
  IdempotencyKeyReused,
  NotFound,
  type SuggestionCandidate,
  type Tag,
  type TagApplicationId,
  type TagApplyRequest,
  type TagApplyResult,
  type TagFrequency,
  type TagId,
  type Tags,
  type TeamId,
} from "@customer-panel/core";
import { and, desc, eq, gte, lt, sql } from "drizzle-orm";
import { type Context, Effect } from "effect";
import type { Db } from "../database.js";
import {
  conversations,
  customers,
  customerTags,
  idempotencyKeys,
  tagApplications,
  tags,
} from "../schema.js";
import { query, rowsOf, type Tx, transact } from "../transaction.js";
import { escapeLike } from "./like-pattern.js";

type AppliedResult = Extract<TagApplyResult, { kind: "applied" }>;

/** How an applied answer is kept in `idempotency_keys.result` (JSON: the date as ISO text). */
interface StoredApplied {
  readonly tag: Tag;
  readonly count: number;
  readonly repeat: boolean;
  readonly applicationId: string;
  readonly channel: Channel | null;
  readonly appliedAt: string;
}

const toStored = (result: AppliedResult): StoredApplied => ({
  tag: result.tag,
  count: result.count,
  repeat: result.repeat,
  applicationId: result.applicationId,
  channel: result.channel,
  appliedAt: result.appliedAt.toISOString(),
});

// JSON has no dates: the stored answer is revived field by field, not spread.
const fromStored = (stored: StoredApplied): AppliedResult => ({
  kind: "applied",
  tag: {
    id: stored.tag.id,
    teamId: stored.tag.teamId,
    name: stored.tag.name,
    key: stored.tag.key,
  },
  count: stored.count,
  repeat: stored.repeat,
  applicationId: stored.applicationId as TagApplicationId,
  channel: stored.channel,
  appliedAt: new Date(stored.appliedAt),
  replayed: true,
});

const tagFromRow = (row: { id: string; teamId: string; name: string; key: string }): Tag => ({
  id: row.id as TagId,
  teamId: row.teamId as TeamId,
  name: row.name,
  key: row.key,
});

const tagColumns = { id: tags.id, teamId: tags.teamId, name: tags.name, key: tags.key };

type ApplyRefusal = NotFound | IdempotencyKeyReused;

// T8: requests with one key take turns, so a retry racing its original waits and then replays.
// Transaction-scoped, so it is released by commit or rollback; a hash collision only serialises.
const lockIdempotencyKey = (tx: Tx, teamId: TeamId, key: string) =>
  tx.execute(
    sql`select pg_advisory_xact_lock(hashtextextended(${`tags.apply:${teamId}:${key}`}, 0))`,
  );

// Step 2 of apply: the customer, and the conversation (its channel) when one is given (X2).
const applicationChannel = async (
  tx: Tx,
  request: TagApplyRequest,
  refuse: (error: ApplyRefusal) => never,
): Promise<Channel | null> => {
  const [customer] = await tx
    .select({ id: customers.id })
    .from(customers)
    .where(and(eq(customers.teamId, request.teamId), eq(customers.id, request.customerId)));
  if (!customer) return refuse(NotFound.of("customer"));
  if (request.conversationId === null) return null;
  const [conversation] = await tx
    .select({ channel: conversations.channel })
    .from(conversations)
    .where(
      and(
        eq(conversations.teamId, request.teamId),
        eq(conversations.id, request.conversationId),
        eq(conversations.customerId, request.customerId),
      ),
    );
  if (!conversation) return refuse(NotFound.of("conversation"));
  return conversation.channel as Channel;
};

// T3: two first applications of one new name at once create one tag (the unique key decides).
const findOrCreateTag = async (tx: Tx, request: TagApplyRequest): Promise<Tag> => {
  await tx
    .insert(tags)
    .values({
      id: request.newTagId,
      teamId: request.teamId,
      name: request.tag.name,
      key: request.tag.key,
    })
    .onConflictDoNothing({ target: [tags.teamId, tags.key] });
  const [row] = await tx
    .select(tagColumns)
    .from(tags)
    .where(and(eq(tags.teamId, request.teamId), eq(tags.key, request.tag.key)));
  if (!row) throw new Error("tag missing right after its upsert");
  return tagFromRow(row);
};

// T8: the customer's state of the tag, row-locked, so concurrent appliers decide one after another.
const lockCustomerTag = async (tx: Tx, teamId: TeamId, customerId: CustomerId, tagId: TagId) => {
  await tx
    .insert(customerTags)
    .values({ teamId, customerId, tagId, count: 0 })
    .onConflictDoNothing({ target: [customerTags.customerId, customerTags.tagId] });
  const [row] = await tx
    .select({ count: customerTags.count })
    .from(customerTags)
    .where(and(eq(customerTags.customerId, customerId), eq(customerTags.tagId, tagId)))
    .for("update");
  return row?.count ?? 0;
};

// T8 step 1: the first answer to this key, under the key's lock; null when the key is new.
const replayOf = async (
  tx: Tx,
  request: TagApplyRequest,
  key: string,
  refuse: (error: ApplyRefusal) => never,
): Promise<AppliedResult | null> => {
  await lockIdempotencyKey(tx, request.teamId, key);
  const [earlier] = await tx
    .select({ fingerprint: idempotencyKeys.fingerprint, result: idempotencyKeys.result })
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.teamId, request.teamId), eq(idempotencyKeys.key, key)));
  if (!earlier) return null;
  if (earlier.fingerprint !== request.fingerprint) return refuse(IdempotencyKeyReused.make());
  return fromStored(earlier.result as StoredApplied);
};

// T7: the append-only application row and the customer's new count.
const recordApplication = async (
  tx: Tx,
  request: TagApplyRequest,
  tag: Tag,
  channel: Channel | null,
  count: number,
) => {
  await tx.insert(tagApplications).values({
    id: request.newApplicationId,
    teamId: request.teamId,
    customerId: request.customerId,
    tagId: tag.id,
    appliedAt: request.at,
    channel,
    conversationId: request.conversationId,
    method: request.method,
    memberId: request.author.memberId,
  });
  await tx
    .update(customerTags)
    .set({ count })
    .where(and(eq(customerTags.customerId, request.customerId), eq(customerTags.tagId, tag.id)));
};

const applyIn = async (
  tx: Tx,
  request: TagApplyRequest,
  refuse: (error: ApplyRefusal) => never,
): Promise<TagApplyResult> => {
  const { teamId, idempotencyKey } = request;
  if (idempotencyKey !== null) {
    const replayed = await replayOf(tx, request, idempotencyKey, refuse);
    if (replayed) return replayed;
  }
  const channel = await applicationChannel(tx, request, refuse);
  const tag = await findOrCreateTag(tx, request);
  const count = await lockCustomerTag(tx, teamId, request.customerId, tag.id);
  const decision = request.decide({ count });
  if (decision.kind === "confirmation_required") {
    return { kind: "confirmation_required", tag, count: decision.count };
  }
  await recordApplication(tx, request, tag, channel, decision.count);
  const result: AppliedResult = {
    kind: "applied",
    tag,
    count: decision.count,
    repeat: decision.repeat,
    applicationId: request.newApplicationId,
    channel,
    appliedAt: request.at,
    replayed: false,
  };
  if (idempotencyKey !== null) {
    // A plain insert: under the key's lock a conflict is impossible, and would be a defect.
    await tx.insert(idempotencyKeys).values({
      teamId,
      key: idempotencyKey,
      fingerprint: request.fingerprint,
      applicationId: request.newApplicationId,
      result: toStored(result),
    });
  }
  // Last, so the tag's row (shared by every customer) stays locked as briefly as possible.
  await tx
    .update(tags)
    .set({ uses: sql`${tags.uses} + 1` })
    .where(and(eq(tags.teamId, teamId), eq(tags.id, tag.id)));
  return result;
};

// T2: the matches in two groups — prefix (btree range on tags_team_key_prefix_idx) and the
// others containing the query (trigram index) — each cut at `limit` before the final order.
// Keys are ordered by code point (COLLATE "C"), whatever the database's collation.
const suggestIn = async (
  db: Db,
  teamId: TeamId,
  queryKey: string,
  limit: number,
): Promise<SuggestionCandidate[]> => {
  const prefix = `${escapeLike(queryKey)}%`;
  const contains = `%${escapeLike(queryKey)}%`;
  const n = Math.max(0, Math.floor(limit));
  const rows = await rowsOf<{ id: string; name: string; key: string; uses: string | number }>(
    db,
    sql`select id, name, key, uses from (
      (select id, name, key, uses, 0 as grp from tags
        where team_id = ${teamId} and key like ${prefix}
        order by uses desc, key collate "C", id limit ${n})
      union all
      (select id, name, key, uses, 1 as grp from tags
        where team_id = ${teamId} and key like ${contains} and key not like ${prefix}
        order by uses desc, key collate "C", id limit ${n})
    ) candidates
    order by grp, uses desc, key collate "C", id
    limit ${n}`,
  );
  return rows.map((row) => ({
    tagId: row.id as TagId,
    name: row.name,
    key: row.key,
    // bigint arrives as text from node-postgres, as a number from PGlite.
    uses: Number(row.uses),
  }));
};

const frequencyIn = async (
  db: Db,
  teamId: TeamId,
  customerId: CustomerId,
  range: { readonly startsAt: Date; readonly endsBefore: Date } | null,
): Promise<TagFrequency[] | null> => {
  const [customer] = await db
    .select({ id: customers.id })
    .from(customers)
    .where(and(eq(customers.teamId, teamId), eq(customers.id, customerId)));
  if (!customer) return null;
  const applications = sql<number>`count(*)::int`;
  const rows = await db
    .select({
      tagId: tagApplications.tagId,
      name: tags.name,
      applications,
      lastAppliedAt: sql<Date>`max(${tagApplications.appliedAt})`.mapWith(
        tagApplications.appliedAt,
      ),
    })
    .from(tagApplications)
    .innerJoin(
      tags,
      and(eq(tags.teamId, tagApplications.teamId), eq(tags.id, tagApplications.tagId)),
    )
    .where(
      and(
        eq(tagApplications.teamId, teamId),
        eq(tagApplications.customerId, customerId),
        range ? gte(tagApplications.appliedAt, range.startsAt) : undefined,
        range ? lt(tagApplications.appliedAt, range.endsBefore) : undefined,
      ),
    )
    .groupBy(tagApplications.tagId, tags.name)
    .orderBy(desc(applications), sql`${tags.name} collate "C"`);
  return rows.map((row) => ({ ...row, tagId: row.tagId as TagId }));
};

/** Team tags and their applications (T1–T8) on either engine. */
export const makeTags = (db: Db): Context.Tag.Service<typeof Tags> => ({
  apply: (request) =>
    transact<TagApplyResult, ApplyRefusal>(db, (tx, refuse) => applyIn(tx, request, refuse)),
  remove: (teamId, customerId, tagId, decide) =>
    transact(db, async (tx, refuse: (error: NotFound) => never) => {
      const [customer] = await tx
        .select({ id: customers.id })
        .from(customers)
        .where(and(eq(customers.teamId, teamId), eq(customers.id, customerId)));
      if (!customer) return refuse(NotFound.of("customer"));
      const [tagRow] = await tx
        .select(tagColumns)
        .from(tags)
        .where(and(eq(tags.teamId, teamId), eq(tags.id, tagId)));
      if (!tagRow) return refuse(NotFound.of("tag"));
      const where = and(eq(customerTags.customerId, customerId), eq(customerTags.tagId, tagId));
      // No row means never applied: nothing to lock, and a concurrent first apply simply wins.
      const [state] = await tx
        .select({ count: customerTags.count })
        .from(customerTags)
        .where(where)
        .for("update");
      const decision = decide({ count: state?.count ?? 0 });
      // T5: the count restarts; the applications stay for reports and frequency.
      if (decision.kind === "removed") await tx.update(customerTags).set({ count: 0 }).where(where);
      return { decision, tag: tagFromRow(tagRow) };
    }),
  suggest: (teamId, queryKey, limit) => query(() => suggestIn(db, teamId, queryKey, limit)),
  frequency: (teamId, customerId, range) =>
    query(() => frequencyIn(db, teamId, customerId, range)).pipe(
      Effect.flatMap((rows) =>
        rows ? Effect.succeed(rows) : Effect.fail(NotFound.of("customer")),
      ),
    ),
});
