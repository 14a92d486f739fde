import type { ConversationId, CustomerId, PanelChange, TeamId } from "@customer-panel/core";
import { and, asc, eq, gt, max, sql } from "drizzle-orm";
import type { Db } from "../database.js";
import { panelChanges } from "../schema.js";
import { rowsOf } from "../transaction.js";

/** A stored panel change with its id, the position a subscriber resumes after (B6). */
export interface StoredPanelChange {
  readonly id: number;
  readonly change: PanelChange;
}

/** What a resuming subscriber asks for. */
export interface PanelChangesQuery {
  readonly teamId: TeamId;
  /** Only changes with a larger id. */
  readonly afterId: number;
  /** Only this conversation's changes, when given. */
  readonly conversationId: ConversationId | null;
  /** At most this many changes in one page (the oldest after `afterId`). */
  readonly limit: number;
}

const storedOf = (row: typeof panelChanges.$inferSelect): StoredPanelChange => ({
  id: row.id,
  change: {
    teamId: row.teamId as TeamId,
    conversationId: row.conversationId as ConversationId | null,
    customerId: row.customerId as CustomerId | null,
    kind: row.kind as PanelChange["kind"],
    at: row.at,
  },
});

/**
 * B6 catch-up: the OLDEST `limit` stored changes of a team after `afterId`, oldest first;
 * call again after the last id of a full page to read on (a reconnect replays a gap in
 * pages, without losing its oldest part).
 */
export const panelChangesPage = async (
  db: Db,
  query: PanelChangesQuery,
): Promise<StoredPanelChange[]> => {
  const rows = await db
    .select()
    .from(panelChanges)
    .where(
      and(
        eq(panelChanges.teamId, query.teamId),
        gt(panelChanges.id, query.afterId),
        query.conversationId === null
          ? undefined
          : eq(panelChanges.conversationId, query.conversationId),
      ),
    )
    .orderBy(asc(panelChanges.id))
    .limit(Math.max(0, Math.floor(query.limit)));
  return rows.map(storedOf);
};

/** The id of the team's newest stored change (0 when none): where a fresh subscriber starts. */
export const latestPanelChangeId = async (db: Db, teamId: TeamId): Promise<number> => {
  const [row] = await db
    .select({ id: max(panelChanges.id) })
    .from(panelChanges)
    .where(eq(panelChanges.teamId, teamId));
  return Number(row?.id ?? 0);
};

/** Deletes changes older than `olderThan` (resume reaches back only that far); answers how many. */
export const prunePanelChanges = async (db: Db, olderThan: Date): Promise<number> => {
  // Counted in the database: the deleted rows never travel to the process.
  const [row] = await rowsOf<{ n: number }>(
    db,
    sql`with d as (delete from ${panelChanges} where ${panelChanges.at} < ${olderThan.toISOString()}::timestamptz returning 1)
        select count(*)::int as n from d`,
  );
  return Number(row?.n ?? 0);
};
