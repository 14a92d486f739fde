import type { EmailExportJob } from "@customer-panel/core";
import { NotFound, RateLimited } from "@customer-panel/core";
import type { ExportOutbox } from "@customer-panel/core/adapter";
import { sql } from "drizzle-orm";
import type { Context } from "effect";
import type { Db } from "../database.js";
import { rowsOf, transact } from "../transaction.js";
import { enqueueEmailExport } from "./export-outbox.js";

/** The export limit of every team: at most `limit` exports in any `windowMs`. */
export interface ExportQuota {
  readonly limit: number;
  readonly windowMs: number;
}

/** One take: allowed, or how long to wait. */
export type QuotaAnswer =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly retryAfterSeconds: number };

/** The default limit (R4, L7): 10 exports a minute per team. */
export const DEFAULT_EXPORT_QUOTA: ExportQuota = { limit: 10, windowMs: 60_000 };

/** Throws a RangeError for a limit that is not a positive integer or a window that is not positive. */
export const checkExportQuota = (quota: ExportQuota): ExportQuota => {
  if (!Number.isInteger(quota.limit) || quota.limit < 1)
    throw new RangeError("limit must be a positive integer");
  if (!(quota.windowMs > 0)) throw new RangeError("windowMs must be positive");
  return quota;
};

// The first key of the two-key advisory lock: "export takes", distinct from other locks.
const TAKES_LOCK = 1_414_092_869;

/**
 * Takes one export of the team's quota inside `tx` (a transaction): it commits or rolls
 * back with what the caller writes beside it. An advisory transaction lock per team makes
 * check-and-take atomic across every process on the database; the team's takes older than
 * the window are deleted first, so the table holds at most `limit` rows per team.
 */
export const takeExportQuota = async (
  tx: Db,
  teamId: string,
  quota: ExportQuota,
  now: Date = new Date(),
): Promise<QuotaAnswer> => {
  await tx.execute(sql`select pg_advisory_xact_lock(${TAKES_LOCK}, hashtext(${teamId}))`);
  const since = new Date(now.getTime() - quota.windowMs);
  await tx.execute(
    sql`delete from export_takes where team_id = ${teamId} and taken_at <= ${since.toISOString()}::timestamptz`,
  );
  const [held] = await rowsOf<{ n: number; oldest: string | Date | null }>(
    tx,
    sql`select count(*)::int as n, min(taken_at) as oldest from export_takes where team_id = ${teamId}`,
  );
  if (held !== undefined && held.n >= quota.limit && held.oldest !== null) {
    const oldest = new Date(held.oldest).getTime();
    const waitMs = oldest + quota.windowMs - now.getTime();
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
  }
  await tx.execute(
    sql`insert into export_takes (team_id, taken_at) values (${teamId}, ${now.toISOString()}::timestamptz)`,
  );
  return { allowed: true };
};

/**
 * The ExportOutbox port with the team's export limit: the take and the queued job commit
 * in one transaction; a refusal (RateLimited) writes and consumes nothing (X4).
 */
export const makeLimitedExportOutbox = (
  db: Db,
  quota: ExportQuota,
): Context.Tag.Service<typeof ExportOutbox> => ({
  enqueue: (job: EmailExportJob) =>
    transact<void, RateLimited | NotFound>(db, async (tx, refuse) => {
      const answer = await takeExportQuota(tx as unknown as Db, job.teamId, quota, job.requestedAt);
      if (!answer.allowed) refuse(RateLimited.of(answer.retryAfterSeconds));
      // A conversation erased meanwhile rolls the take back with the refusal.
      if (!(await enqueueEmailExport(tx as unknown as Db, job)))
        refuse(NotFound.of("conversation"));
    }),
});
