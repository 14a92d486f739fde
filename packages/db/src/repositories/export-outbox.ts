import {
  type Author,
  type ConversationId,
  type EmailExportJob,
  type MemberId,
  NotFound,
  type TeamId,
} from "@customer-panel/core";
import type { ExportOutbox } from "@customer-panel/core/adapter";
import { and, asc, eq, inArray, isNull, lte, or, sql } from "drizzle-orm";
import { type Context, Effect } from "effect";
import type { Db } from "../database.js";
import { emailExports } from "../schema.js";
import { query, rowsOf, type Tx } from "../transaction.js";

/** A job a worker claimed, with how many times it has been tried (this claim included). */
export interface ClaimedExport extends EmailExportJob {
  readonly attempts: number;
}

/** Tries before a job stops being retried and is marked `failed`. */
export const MAX_EXPORT_ATTEMPTS = 5;

// A stored error is for operators; a transport may say a lot, the row keeps the start.
const MAX_ERROR_LENGTH = 1_000;

/**
 * Queues one email export; false when the conversation is not the team's. Insert … select
 * under a key-share lock of the conversation (issue 14 C): a delete in progress makes this
 * wait, then finds no row; a delete that comes later waits for this insert and erases the
 * job with the conversation (B5). Never a foreign-key failure.
 */
export const enqueueEmailExport = async (db: Db, job: EmailExportJob): Promise<boolean> => {
  const rows = await rowsOf<{ id: string }>(
    db,
    sql`
    insert into email_exports (id, team_id, conversation_id, recipient,
      requested_by_member_id, requested_by_name, requested_at, attachment_format)
    select ${job.exportId}::uuid, team_id, id, ${job.to}::text,
      ${job.requestedBy.memberId}::uuid, ${job.requestedBy.memberName}::text,
      ${job.requestedAt.toISOString()}::timestamptz, ${job.attachment ?? "csv"}::text
    from conversations
    where team_id = ${job.teamId} and id = ${job.conversationId}
    for key share
    returning id`,
  );
  return rows.length > 0;
};

/** The ExportOutbox port on PGlite or PostgreSQL, without an export limit. */
export const makeExportOutbox = (db: Db): Context.Tag.Service<typeof ExportOutbox> => ({
  enqueue: (job) =>
    query(() => enqueueEmailExport(db, job)).pipe(
      Effect.flatMap((queued) => (queued ? Effect.void : Effect.fail(NotFound.of("conversation")))),
    ),
});

/** How long a claim keeps other workers away from a job, unless marked sooner. */
export const EXPORT_CLAIM_MS = 5 * 60_000;

/** What a job whose every attempt was interrupted (the worker died holding it) records. */
export const INTERRUPTED_ERROR =
  "delivery interrupted on every attempt (the worker stopped while holding the job)";

/**
 * Claims up to `limit` pending jobs that nobody holds, oldest first, counting the
 * attempt and holding each for `claimMs`. SKIP LOCKED lets workers claim side by side;
 * the claim keeps a second worker from sending the same export while the first one is
 * at it. A worker that dies mid-send loses its claim when it expires and the job is
 * retried: delivery is at least once, and once per export unless a worker dies
 * between the SMTP server accepting the email and the commit that marks it sent. A
 * job already tried `maxAttempts` times whose claim expired (its last worker died) is
 * marked `failed` instead of claimed again, so a job that kills its worker can not
 * loop, and no export is handed to SMTP more than `maxAttempts` times.
 */
export const claimPendingExports = (
  db: Db,
  limit: number,
  options: {
    readonly now?: Date;
    readonly claimMs?: number;
    readonly maxAttempts?: number;
  } = {},
): Promise<ClaimedExport[]> =>
  db.transaction(async (tx) => {
    const now = options.now ?? new Date();
    const maxAttempts = options.maxAttempts ?? MAX_EXPORT_ATTEMPTS;
    const due = await tx
      .select({ id: emailExports.id, attempts: emailExports.attempts })
      .from(emailExports)
      .where(
        and(
          eq(emailExports.status, "pending"),
          or(isNull(emailExports.claimedUntil), lte(emailExports.claimedUntil, now)),
        ),
      )
      .orderBy(asc(emailExports.requestedAt), asc(emailExports.id))
      .limit(Math.max(0, limit))
      .for("update", { skipLocked: true });
    const exhausted = due.filter((d) => d.attempts >= maxAttempts).map((d) => d.id);
    const claimable = due.filter((d) => d.attempts < maxAttempts).map((d) => d.id);
    if (exhausted.length > 0) {
      await tx
        .update(emailExports)
        .set({ status: "failed", claimedUntil: null, lastError: INTERRUPTED_ERROR })
        .where(inArray(emailExports.id, exhausted));
    }
    if (claimable.length === 0) return [];
    const claimed = await tx
      .update(emailExports)
      .set({
        attempts: sql`${emailExports.attempts} + 1`,
        claimedUntil: new Date(now.getTime() + (options.claimMs ?? EXPORT_CLAIM_MS)),
      })
      .where(inArray(emailExports.id, claimable))
      .returning();
    return claimed
      .sort((a, b) => a.requestedAt.getTime() - b.requestedAt.getTime() || a.id.localeCompare(b.id))
      .map((row) => ({
        exportId: row.id,
        teamId: row.teamId as TeamId,
        conversationId: row.conversationId as ConversationId,
        to: row.recipient,
        requestedBy: {
          memberId: row.requestedByMemberId as MemberId | null,
          memberName: row.requestedByName,
        } satisfies Author,
        requestedAt: row.requestedAt,
        ...(row.attachmentFormat === "xlsx" && { attachment: "xlsx" as const }),
        attempts: row.attempts,
      }));
  });

/**
 * Marks a job delivered; true when this call did (it was still pending), false when it
 * was already finished (another worker, whose claim had expired, got there first). Takes
 * a transaction too, so a worker can record the export's completion in the same commit.
 */
export const markExportSent = async (db: Db | Tx, id: string, at: Date): Promise<boolean> => {
  const rows = await db
    .update(emailExports)
    .set({ status: "sent", sentAt: at, lastError: null, claimedUntil: null })
    .where(and(eq(emailExports.id, id), eq(emailExports.status, "pending")))
    .returning({ id: emailExports.id });
  return rows.length > 0;
};

/**
 * Records a failed delivery: the job goes back to `pending` for another try, or to
 * `failed` once it has been tried `maxAttempts` times. Answers the status it is left in.
 */
export const markExportFailed = async (
  db: Db,
  id: string,
  error: string,
  maxAttempts: number = MAX_EXPORT_ATTEMPTS,
): Promise<"pending" | "failed" | null> => {
  const [row] = await db
    .update(emailExports)
    .set({
      lastError: error.slice(0, MAX_ERROR_LENGTH),
      // Released: the next claim may retry it at once.
      claimedUntil: null,
      status: sql`case when ${emailExports.attempts} >= ${maxAttempts} then 'failed' else 'pending' end`,
    })
    .where(and(eq(emailExports.id, id), eq(emailExports.status, "pending")))
    .returning({ status: emailExports.status });
  return row === undefined ? null : (row.status as "pending" | "failed");
};

/** Email exports waiting for delivery (the outbox depth, for metrics). */
export const pendingExportCount = async (db: Db): Promise<number> => {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(emailExports)
    .where(eq(emailExports.status, "pending"));
  return row?.n ?? 0;
};
