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
import type { Db } from "../database.js";
import { bindParameter, keysetRowExport } from "../row-export/keyset-export.js";
import {
  type Bind,
  EXPORT_BATCH_SIZE,
  type RowExport,
  type RowExportSpec,
} from "../row-export/row-export.js";
import { customers, members, tagApplications, tags } from "../schema.js";

/** R1's half-open range of one team's applications, its values bound through `bind`. */
const inRange = (bind: Bind, teamId: TeamId, range: InstantRange) =>
  and(
    eq(tagApplications.teamId, bind(teamId, tagApplications.teamId)),
    gte(tagApplications.appliedAt, bind(range.startsAt, tagApplications.appliedAt)),
    lt(tagApplications.appliedAt, bind(range.endsBefore, tagApplications.appliedAt)),
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
    .where(inRange(bindParameter, teamId, range))
    .groupBy(tags.id, tags.name)
    .orderBy(desc(applications), sql`${tags.name} collate "C"`, asc(tags.id));
  yield* rows;
}

// R3's rows: applications in the range with their customer, tag and member, oldest first.
const recordsExport = (
  db: Db,
  teamId: TeamId,
  range: InstantRange,
): RowExportSpec<TagRecordRow> => ({
  fields: [
    tagApplications.appliedAt,
    tagApplications.customerId,
    customers.displayName,
    tags.name,
    tagApplications.channel,
    tagApplications.method,
    members.name,
  ],
  key: [tagApplications.appliedAt, tagApplications.id],
  select: (fields, bind, after) =>
    db
      .select(fields)
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
      .where(and(inRange(bind, teamId, range), after))
      .orderBy(asc(tagApplications.appliedAt), asc(tagApplications.id)),
  toRow: (row) => ({
    appliedAt: row.instant(0),
    customerId: row.text(1) ?? "",
    customerName: row.text(2) ?? "",
    tagName: row.text(3) ?? "",
    channel: row.oneOf(4, CHANNELS) as Channel | null,
    method: row.oneOf(5, TAG_METHODS) as TagMethod,
    memberName: row.repeated(6),
  }),
});

/**
 * Tag reports (R2, R3) as lazy streams: nothing is read until iterated, and stopping early
 * reads no further batch. The records come through the database's row export (`rows`; keyset
 * batches on `db` when none is given, as on a transaction's handle).
 */
export const makeTagReports = (
  db: Db,
  rows: RowExport = keysetRowExport(EXPORT_BATCH_SIZE),
): Context.Tag.Service<typeof TagReports> => ({
  stats: (teamId, range) => statsRows(db, teamId, range),
  records: (teamId, range) => rows(recordsExport(db, teamId, range)),
});
