import {
  type EmailExportJob,
  isDomainError,
  recordExportCompleted,
  sendEmailExport,
} from "@customer-panel/core";
import { type Database, type Db, databaseLayer } from "@customer-panel/db";
import {
  claimPendingExports,
  markExportFailed,
  markExportSent,
} from "@customer-panel/db/repositories";
import { Effect } from "effect";
import { failureOf } from "./errors.js";
import { type PanelRuntime, runUseCase } from "./runtime.js";

/** Options of {@link startExportWorker}. */
export interface ExportWorkerOptions {
  readonly database: Database;
  /** Runs the delivery: core's ports with the Mailer (e.g. `PanelServices.runtime`). */
  readonly runtime: PanelRuntime;
  /** Pause between polls in ms (default 1 000); null polls never: only `runOnce` delivers. */
  readonly intervalMs?: number | null;
  /** Jobs claimed per poll (default 10). */
  readonly batch?: number;
  /**
   * How long a claim keeps other workers (and this one after a restart) away from a job
   * (default the outbox's 5 minutes). It must outlast one delivery: a claim that expires
   * while the SMTP transaction is still running lets a second worker send it too.
   */
  readonly claimMs?: number;
  /** Failed deliveries and polls (logs); the job itself records its last error. */
  readonly onError?: (error: unknown, exportId: string | null) => void;
}

/** A running delivery worker. */
export interface ExportWorker {
  /** Claims and delivers one batch now; answers how many jobs it handled. */
  readonly runOnce: () => Promise<number>;
  /** Stops polling and waits for the batch in hand. */
  readonly stop: () => Promise<void>;
}

const messageOf = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

/**
 * Delivers queued email exports (L7) from the outbox. A job is marked sent only after
 * the mailer accepted it, and in the same transaction as the export's completion (last
 * export time, `exported` log entry), so the database never shows one without the other.
 * A failure puts it back for another try (up to the outbox's attempt limit). An email is
 * never sent for a refused or rolled-back request, because only a committed request
 * wrote its outbox row. A job core declines (conversation deleted, feature turned off)
 * is finished too, not retried.
 *
 * Delivery is at least once, and exactly once unless the worker dies after the SMTP
 * server accepted the email and before that transaction committed: the claim then
 * expires and the job is sent again, with the same Message-ID (the export's id), so the
 * receiver can drop the copy; the completion is still recorded once.
 */
export const startExportWorker = (options: ExportWorkerOptions): ExportWorker => {
  const { database, runtime } = options;
  const batch = options.batch ?? 10;
  const intervalMs = options.intervalMs === undefined ? 1_000 : options.intervalMs;
  const onError = options.onError ?? (() => {});
  const claimOptions = options.claimMs === undefined ? {} : { claimMs: options.claimMs };

  // Marks the job sent and, when it was delivered, records the completion — one commit.
  const finish = (job: EmailExportJob, delivered: boolean) =>
    database.db.transaction(async (tx) => {
      const marked = await markExportSent(tx, job.exportId, new Date());
      // Already finished by a worker whose claim outlived ours: it recorded the completion.
      if (!marked || !delivered) return;
      // The completion is written with the transaction's ports: it commits with the mark.
      await runUseCase(
        runtime,
        recordExportCompleted(job.teamId, job.conversationId, "email", job.requestedBy).pipe(
          Effect.provide(databaseLayer(tx as Db)),
        ),
      ).catch((error: unknown) => {
        const cause = failureOf(error);
        // The conversation was deleted after the email left: nothing left to record.
        if (!isDomainError(cause)) throw cause;
      });
    });

  // Sends one job; a refused or failed send puts it back with its error for another try.
  const deliver = async (job: EmailExportJob): Promise<void> => {
    let delivered: boolean;
    try {
      delivered = (await runUseCase(runtime, sendEmailExport(job))).delivered;
    } catch (error) {
      const cause = failureOf(error);
      onError(cause, job.exportId);
      await markExportFailed(database.db, job.exportId, messageOf(cause));
      return;
    }
    await finish(job, delivered);
  };

  const deliverBatch = async (): Promise<number> => {
    const jobs = await claimPendingExports(database.db, batch, claimOptions);
    for (const job of jobs) {
      try {
        await deliver(job);
      } catch (error) {
        // The claim expires and the job is tried again: at least once, never lost.
        onError(error, job.exportId);
      }
    }
    return jobs.length;
  };

  // One batch at a time: a manual runOnce waits for the poll in hand, and vice versa.
  let inFlight: Promise<unknown> = Promise.resolve();
  const runOnce = (): Promise<number> => {
    const run = inFlight.then(deliverBatch);
    inFlight = run.catch(() => {});
    return run;
  };

  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const schedule = () => {
    if (stopped || intervalMs === null) return;
    timer = setTimeout(async () => {
      try {
        await runOnce();
      } catch (error) {
        onError(error, null);
      }
      schedule();
    }, intervalMs);
    // The worker alone must not keep a process alive (the server does that).
    timer.unref();
  };
  schedule();

  return {
    runOnce,
    stop: async () => {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      await inFlight;
    },
  };
};
