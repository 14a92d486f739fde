import type {
  Channel,
  InstantRange,
  TagMethod,
  TagRecordRow,
  TagReports,
  TagStatsRow,
  TeamId,
} from "@customer-panel/core";
import { and, asc, desc, eq, gte, lt, sql } from "drizzle-orm";
import type { Context } from "effect";
import type { Db } from "../database.js";
import { customers, members, tagApplications, tags } from "../schema.js";
import { keysetBatches } from "./keyset.js";

/** Rows read per query of a streamed report (R4: memory is bounded by this, not by the range). */
export const REPORT_BATCH_SIZE = 2_000;

/** Options of the report streams. */
export interface TagReportsOptions {
  /** Rows per keyset batch; tests make it small to see the batching. */
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

// R3/R4: keyset batches (one read ahead, see keyset.ts) over tag_applications_team_applied_idx (team, applied_at, id). The
// cursor's time is carried as PostgreSQL text, not a JS Date: a Date drops microseconds, and
// the next batch would then repeat rows of the same millisecond.
async function* recordRows(
  db: Db,
  teamId: TeamId,
  range: InstantRange,
  batchSize: number,
): AsyncGenerator<TagRecordRow> {
  const read = (cursor: Cursor | null) =>
    db
      .select({
        id: tagApplications.id,
        cursorAt: sql<string>`${tagApplications.appliedAt}::text`,
        appliedAt: tagApplications.appliedAt,
        customerId: tagApplications.customerId,
        customerName: customers.displayName,
        tagName: tags.name,
        channel: tagApplications.channel,
        method: tagApplications.method,
        memberName: members.name,
      })
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
          cursor === null
            ? undefined
            : sql`(${tagApplications.appliedAt}, ${tagApplications.id}) > (${cursor.at}::timestamptz, ${cursor.id}::uuid)`,
        ),
      )
      .orderBy(asc(tagApplications.appliedAt), asc(tagApplications.id))
      .limit(batchSize)
      .then((rows) => rows);
  const cursorOf = (last: { cursorAt: string; id: string }): Cursor => ({
    at: last.cursorAt,
    id: last.id,
  });
  for await (const row of keysetBatches(read, cursorOf, batchSize)) {
    yield {
      appliedAt: row.appliedAt,
      customerId: row.customerId,
      customerName: row.customerName,
      tagName: row.tagName,
      channel: row.channel as Channel | null,
      method: row.method as TagMethod,
      memberName: row.memberName,
    };
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
  return {
    stats: (teamId, range) => statsRows(db, teamId, range),
    records: (teamId, range) => recordRows(db, teamId, range, batchSize),
  };
};
