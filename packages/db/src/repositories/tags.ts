import {
  type Channel,
  type CustomerId,
  NotFound,
  type RememberedAnswer,
  type SuggestionCandidate,
  type Tag,
  type TagApplicationId,
  type TagFrequency,
  type TagId,
  type TeamId,
} from "@customer-panel/core";
import type {
  AppliedTag,
  LockedTagApplication,
  LockedTagRemoval,
  TagApplyRequest,
  Tags,
} from "@customer-panel/core/adapter";
import { and, desc, eq, gte, lt, sql } from "drizzle-orm";
import { type Context, Effect } from "effect";
import type { Db } from "../database.js";
import { customers, customerTags, idempotencyKeys, tagApplications, tags } from "../schema.js";
import { onHandle, query, rowsOf, type Tx } from "../transaction.js";
import { escapeLike } from "./like-pattern.js";

/** How an applied answer is kept in `idempotency_keys.result` (JSON: the date as ISO text). */
interface StoredApplied {
  readonly tag: Tag;
  readonly count: number;
  readonly repeat: boolean;
  readonly applicationId: string;
  readonly channel: Channel | null;
  readonly appliedAt: string;
}

const toStored = (result: AppliedTag): StoredApplied => ({
  tag: result.tag,
  count: result.count,
  repeat: result.repeat,
  applicationId: result.applicationId,
  channel: result.channel,
  appliedAt: result.appliedAt.toISOString(),
});

// JSON has no dates: the stored answer is revived field by field, not spread.
const fromStored = (stored: StoredApplied): AppliedTag => ({
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
  replayed: false,
});

const tagFromRow = (row: { id: string; teamId: string; name: string; key: string }): Tag => ({
  id: row.id as TagId,
  teamId: row.teamId as TeamId,
  name: row.name,
  key: row.key,
});

const tagColumns = { id: tags.id, teamId: tags.teamId, name: tags.name, key: tags.key };

// T8: requests with one key take turns, so a retry racing its original waits and then replays.
// Transaction-scoped, so it is released by commit or rollback; a hash collision only serialises.
const lockIdempotencyKey = (handle: Db | Tx, teamId: TeamId, key: string) =>
  handle.execute(
    sql`select pg_advisory_xact_lock(hashtextextended(${`tags.apply:${teamId}:${key}`}, 0))`,
  );

/** What the first statement of an apply reads: the checks, the tag, and the locked count. */
interface ApplyState {
  readonly customer_found: boolean;
  readonly conversation_found: boolean;
  readonly channel: string | null;
  readonly tag_id: string | null;
  readonly tag_name: string | null;
  readonly tag_key: string | null;
  readonly count: number | null;
}

/**
 * Steps 2–4 of apply in ONE statement: the customer and the conversation (its channel) are the
 * team's (X2); the tag is found or created by its key (T3: the unique key decides between two
 * first applications at once); the customer's state of the tag is created if missing and
 * row-locked (T8: `on conflict do update` locks the row, so concurrent appliers of one
 * customer's tag decide one after another), returning the count core decides on.
 *
 * The insert runs only when no tag has the key: an insert that meets an existing key waits for
 * whoever holds that tag's row (its `uses` is counted at commit), which would make all
 * appliers of a popular tag take turns.
 *
 * The conversation is read under a key-share lock (issue 14 C): a delete in progress makes this
 * wait and then find nothing (NOT_FOUND), and a delete that comes later waits for this
 * transaction, so the application row never points at an erased conversation.
 *
 * Nothing is written unless both checks pass. One case needs a second look: when another
 * transaction creates the same new tag while this statement runs, the insert yields to it but
 * this statement's snapshot predates it, so no tag comes back; {@link applyState} then reads
 * again, in a new statement that sees the committed tag.
 */
const applyStateSql = (request: TagApplyRequest) => sql`
  with checks as (
    select exists (
        select 1 from customers where team_id = ${request.teamId} and id = ${request.customerId}
      ) as customer_found,
      (select channel from conversations
        where team_id = ${request.teamId} and id = ${request.conversationId}
          and customer_id = ${request.customerId}
        for key share) as channel
  ),
  ok as (
    select 1 from checks
    where customer_found and (${request.conversationId}::uuid is null or channel is not null)
  ),
  existing as (
    select id, name, key from tags
    where team_id = ${request.teamId} and key = ${request.tag.key} and exists (select 1 from ok)
  ),
  created as (
    insert into tags (id, team_id, name, key)
    select ${request.newTagId}, ${request.teamId}, ${request.tag.name}, ${request.tag.key}
    from ok where not exists (select 1 from existing)
    on conflict (team_id, key) do nothing
    returning id, name, key
  ),
  tag as (
    select id, name, key from existing
    union all
    select id, name, key from created
  ),
  state as (
    insert into customer_tags (team_id, customer_id, tag_id, count)
    select ${request.teamId}, ${request.customerId}, tag.id, 0 from tag
    on conflict (customer_id, tag_id) do update set count = customer_tags.count
    returning count
  )
  select checks.customer_found, checks.channel is not null as conversation_found, checks.channel,
    tag.id as tag_id, tag.name as tag_name, tag.key as tag_key, (select count from state) as count
  from checks left join tag on true`;

// The checks refuse with null: nothing was written.
const lockApplicationIn = async (
  handle: Db | Tx,
  request: TagApplyRequest,
): Promise<LockedTagApplication | NotFound> => {
  let [state] = await rowsOf<ApplyState>(handle, applyStateSql(request));
  if (!state?.customer_found) return NotFound.of("customer");
  if (request.conversationId !== null && !state.conversation_found) {
    return NotFound.of("conversation");
  }
  if (state.tag_id === null) [state] = await rowsOf<ApplyState>(handle, applyStateSql(request));
  if (state?.tag_id == null || state.tag_name === null || state.tag_key === null) {
    throw new Error("tag missing right after its upsert");
  }
  return {
    channel: request.conversationId === null ? null : (state.channel as Channel),
    tag: tagFromRow({
      id: state.tag_id,
      teamId: request.teamId,
      name: state.tag_name,
      key: state.tag_key,
    }),
    count: Number(state.count ?? 0),
  };
};

// T8: the first answer to this key, under the key's lock; null when the key is new.
const rememberedIn = async (
  handle: Db | Tx,
  teamId: TeamId,
  key: string,
): Promise<RememberedAnswer<AppliedTag> | null> => {
  await lockIdempotencyKey(handle, teamId, key);
  const [earlier] = await handle
    .select({ fingerprint: idempotencyKeys.fingerprint, result: idempotencyKeys.result })
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.teamId, teamId), eq(idempotencyKeys.key, key)));
  if (!earlier) return null;
  return { fingerprint: earlier.fingerprint, answer: fromStored(earlier.result as StoredApplied) };
};

// Step 5 in ONE statement: the append-only application row (T7), the customer's new count, and
// the key's first answer (T8; a plain insert: under the key's lock a conflict would be a
// defect). The tag's popularity (T2 \`uses\`) follows the application row by a trigger deferred
// to commit (migration 0004), so the tag's row, shared by every customer, is locked only while
// this transaction commits.
const recordApplicationSql = (request: TagApplyRequest, result: AppliedTag) => {
  const { tag, channel } = result;
  const key =
    request.idempotencyKey === null
      ? sql``
      : sql`, k as (
          insert into idempotency_keys (team_id, key, fingerprint, application_id, result)
          values (${request.teamId}, ${request.idempotencyKey}, ${request.fingerprint},
            ${request.newApplicationId}, ${JSON.stringify(toStored(result))}::jsonb))`;
  return sql`
    with a as (
      insert into tag_applications
        (id, team_id, customer_id, tag_id, applied_at, channel, conversation_id, method, member_id)
      values (${request.newApplicationId}, ${request.teamId}, ${request.customerId}, ${tag.id},
        ${request.at.toISOString()}::timestamptz, ${channel}, ${request.conversationId},
        ${request.method}, ${request.author.memberId})
    )${key}
    update customer_tags set count = ${result.count}
    where customer_id = ${request.customerId} and tag_id = ${tag.id}`;
};

// T5 under the row lock; no row means never applied: nothing to lock, a concurrent first
// apply simply wins.
const lockRemovalIn = async (
  handle: Db | Tx,
  teamId: TeamId,
  customerId: CustomerId,
  tagId: TagId,
): Promise<LockedTagRemoval | NotFound> => {
  const [customer] = await handle
    .select({ id: customers.id })
    .from(customers)
    .where(and(eq(customers.teamId, teamId), eq(customers.id, customerId)));
  if (!customer) return NotFound.of("customer");
  const [tagRow] = await handle
    .select(tagColumns)
    .from(tags)
    .where(and(eq(tags.teamId, teamId), eq(tags.id, tagId)));
  if (!tagRow) return NotFound.of("tag");
  const [state] = await handle
    .select({ count: customerTags.count })
    .from(customerTags)
    .where(and(eq(customerTags.customerId, customerId), eq(customerTags.tagId, tagId)))
    .for("update");
  return { tag: tagFromRow(tagRow), count: state?.count ?? 0 };
};

const refusedOrRead = <A>(answer: A | NotFound): Effect.Effect<A, NotFound> =>
  answer instanceof NotFound ? Effect.fail(answer) : Effect.succeed(answer);

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
  rememberedApplication: (teamId, key) =>
    onHandle(db, (handle) => rememberedIn(handle, teamId, key)),
  lockApplication: (request) =>
    onHandle(db, (handle) => lockApplicationIn(handle, request)).pipe(
      Effect.flatMap(refusedOrRead),
    ),
  recordApplication: (request, applied) =>
    onHandle(db, (handle) => handle.execute(recordApplicationSql(request, applied))).pipe(
      Effect.asVoid,
    ),
  lockRemoval: (teamId, customerId, tagId) =>
    onHandle(db, (handle) => lockRemovalIn(handle, teamId, customerId, tagId)).pipe(
      Effect.flatMap(refusedOrRead),
    ),
  // T5: the count restarts; the applications stay for reports and frequency.
  recordRemoval: (_teamId, customerId, tagId) =>
    onHandle(db, (handle) =>
      handle
        .update(customerTags)
        .set({ count: 0 })
        .where(and(eq(customerTags.customerId, customerId), eq(customerTags.tagId, tagId))),
    ).pipe(Effect.asVoid),
  suggest: (teamId, queryKey, limit) => query(() => suggestIn(db, teamId, queryKey, limit)),
  frequency: (teamId, customerId, range) =>
    query(() => frequencyIn(db, teamId, customerId, range)).pipe(
      Effect.flatMap((rows) =>
        rows ? Effect.succeed(rows) : Effect.fail(NotFound.of("customer")),
      ),
    ),
});
