import {
  CHANNELS,
  type Channel,
  type InstantRange,
  TAG_METHODS,
  type TagMethod,
  type TeamId,
} from "@customer-panel/core";
import type { TagRecordRow, TagReports, TagStatsRow } from "@customer-panel/core/adapter";
import { and, asc, desc, eq, gte, lt, sql } from "drizzle-orm";
import type { Context } from "effect";
import type pg from "pg";
import type { Db } from "../database.js";
import { customers, members, tagApplications, tags } from "../schema.js";
import {
  type CopyOptions,
  copyBatches,
  copySelectText,
  serverPoolOf,
  utcTimestampSql,
} from "./copy-rows.js";
import { keysetBatches } from "./keyset.js";

/** Rows read per query of a streamed report (R4: memory is bounded by this, not by the range). */
export const REPORT_BATCH_SIZE = 2_000;

/** Options of the report streams. */
export interface TagReportsOptions extends CopyOptions {
  /** Rows per keyset batch (PGlite); tests make it small to see the batching. */
  readonly batchSize?: number;
}

const inRange = (teamId: TeamId, range: InstantRange) =>
  and(
    eq(tagApplications.teamId, teamId),
    gte(tagApplications.appliedAt, range.startsAt),
    lt(tagApplications.appliedAt, range.endsBefore),
  );

// R2: bounded by the team's number of tags, so one aggregate query, yielded row by row.
async function* statsRows(
  db: Db,
  teamId: TeamId,
  range: InstantRange,
): AsyncGenerator<TagStatsRow> {
  const applications = sql<number>`count(*)::int`;
  const rows = await db
    .select({
      tagName: tags.name,
      applications,
      customers: sql<number>`count(distinct ${tagApplications.customerId})::int`,
    })
    .from(tagApplications)
    .innerJoin(
      tags,
      and(eq(tags.teamId, tagApplications.teamId), eq(tags.id, tagApplications.tagId)),
    )
    .where(inRange(teamId, range))
    .groupBy(tags.id, tags.name)
    .orderBy(desc(applications), sql`${tags.name} collate "C"`, asc(tags.id));
  yield* rows;
}

/** Where the previous batch ended: the last row's exact time (as text, microseconds kept) and id. */
interface Cursor {
  readonly at: string;
  readonly id: string;
}

/** R3's rows: applications in the range with their customer, tag and member, oldest first. */
const recordsQuery = <Fields extends Record<string, unknown>>(
  db: Db,
  fields: Fields,
  teamId: TeamId,
  range: InstantRange,
  after: Cursor | null,
) =>
  db
    .select(fields as never)
    .from(tagApplications)
    .innerJoin(
      customers,
      and(
        eq(customers.teamId, tagApplications.teamId),
        eq(customers.id, tagApplications.customerId),
      ),
    )
    .innerJoin(
      tags,
      and(eq(tags.teamId, tagApplications.teamId), eq(tags.id, tagApplications.tagId)),
    )
    .leftJoin(
      members,
      and(eq(members.teamId, tagApplications.teamId), eq(members.id, tagApplications.memberId)),
    )
    .where(
      and(
        inRange(teamId, range),
        after === null
          ? undefined
          : sql`(${tagApplications.appliedAt}, ${tagApplications.id}) > (${after.at}::timestamptz, ${after.id}::uuid)`,
      ),
    )
    .orderBy(asc(tagApplications.appliedAt), asc(tagApplications.id));

const recordColumns = {
  customerId: tagApplications.customerId,
  customerName: customers.displayName,
  tagName: tags.name,
  channel: tagApplications.channel,
  method: tagApplications.method,
  memberName: members.name,
};

// R3/R4 on a server: the whole range as one COPY statement (copy-rows.ts says why).
const copiedRecordRows = (
  pool: pg.Pool,
  db: Db,
  teamId: TeamId,
  range: InstantRange,
  options: CopyOptions,
): AsyncIterable<readonly TagRecordRow[]> => {
  const text = copySelectText(
    recordsQuery(
      db,
      { appliedAt: utcTimestampSql(tagApplications.appliedAt), ...recordColumns },
      teamId,
      range,
      null,
    ),
  );
  return copyBatches(
    pool,
    text,
    7,
    (line): TagRecordRow => ({
      appliedAt: line.instant(0),
      customerId: line.field(1) ?? "",
      customerName: line.field(2) ?? "",
      tagName: line.field(3) ?? "",
      channel: line.oneOf(4, CHANNELS) as Channel | null,
      method: line.oneOf(5, TAG_METHODS) as TagMethod,
      memberName: line.repeated(6),
    }),
    options,
  );
};

/** A keyset batch's row: {@link recordColumns} with the application's id and exact time. */
interface KeysetRecordRow {
  readonly id: string;
  readonly cursorAt: string;
  readonly appliedAt: Date;
  readonly customerId: string;
  readonly customerName: string;
  readonly tagName: string;
  readonly channel: string | null;
  readonly method: string;
  readonly memberName: string | null;
}

// R3/R4 on PGlite: keyset batches (one read ahead, see keyset.ts) over
// tag_applications_team_applied_idx (team, applied_at, id); PGlite has no stream to COPY to.
// The cursor's time is carried as PostgreSQL text, not a JS Date: a Date drops microseconds,
// and the next batch would then repeat rows of the same millisecond.
async function* keysetRecordRows(
  db: Db,
  teamId: TeamId,
  range: InstantRange,
  batchSize: number,
): AsyncGenerator<readonly TagRecordRow[]> {
  const fields = {
    id: tagApplications.id,
    cursorAt: sql<string>`${tagApplications.appliedAt}::text`,
    appliedAt: tagApplications.appliedAt,
    ...recordColumns,
  };
  const read = (cursor: Cursor | null) =>
    recordsQuery(db, fields, teamId, range, cursor)
      .limit(batchSize)
      .then((rows) => rows as unknown as KeysetRecordRow[]);
  const cursorOf = (last: KeysetRecordRow): Cursor => ({ at: last.cursorAt, id: last.id });
  for await (const batch of keysetBatches(read, cursorOf, batchSize)) {
    yield batch.map(
      (row): TagRecordRow => ({
        appliedAt: row.appliedAt,
        customerId: row.customerId,
        customerName: row.customerName,
        tagName: row.tagName,
        channel: row.channel as Channel | null,
        method: row.method as TagMethod,
        memberName: row.memberName,
      }),
    );
  }
}

/**
 * Tag reports (R2, R3) as lazy streams: nothing is read until iterated, no connection or
 * transaction is held between batches, and stopping early reads no further batch.
 */
export const makeTagReports = (
  db: Db,
  options: TagReportsOptions = {},
): Context.Tag.Service<typeof TagReports> => {
  const batchSize = Math.max(1, Math.floor(options.batchSize ?? REPORT_BATCH_SIZE));
  const pool = serverPoolOf(db);
  return {
    stats: (teamId, range) => statsRows(db, teamId, range),
    records: (teamId, range) =>
      pool === undefined
        ? keysetRecordRows(db, teamId, range, batchSize)
        : copiedRecordRows(pool, db, teamId, range, options),
  };
};
