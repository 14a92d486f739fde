import { Conversations, TagReports } from "@customer-panel/core/adapter";
import { sql } from "drizzle-orm";
import { Layer } from "effect";
import { type Database, DatabaseOptionsInvalid, type Db } from "./database.js";
import { makeConversations } from "./repositories/conversations.js";
import { makeTagReports } from "./repositories/tag-reports.js";
import { rowExportFor } from "./row-export/row-export.js";
import { rowsOf } from "./transaction.js";

/**
 * Issue 17: reports (R2 tag stats, R3 tag records) and exports (L7 transcript) may read
 * from a read replica; everything written — the last export time, the export log entry,
 * the download link, the export limit — stays on the primary, because only these reads
 * move. Replication lag must not lose rows: a read waits until the replica has replayed
 * everything the primary had written when the read began (its WAL position), so a row
 * committed before the request is in the file. A replica still behind after `maxWaitMs`
 * is passed over: the primary serves that read.
 */

/** Options of {@link replicaReadsLayer}. */
export interface ReplicaReadOptions {
  /** How long a read waits for the replica to catch up before the primary serves it (default 2 000 ms). */
  readonly maxWaitMs?: number;
  /** Interval of the catch-up check while waiting (default 20 ms). */
  readonly pollMs?: number;
  /** Told which database served each read (tests, metrics). */
  readonly onRead?: (source: "replica" | "primary") => void;
}

/**
 * True once `replica` has replayed WAL up to where `primary` was when asked. A read database
 * that is not a standby in recovery (`pg_last_wal_replay_lsn()` is null: another server, a
 * logical replica) can not be compared and is read at once.
 */
const caughtUp =
  (primary: Db, replica: Db, { maxWaitMs = 2_000, pollMs = 20 }: ReplicaReadOptions) =>
  async (): Promise<boolean> => {
    const [at] = await rowsOf<{ lsn: string }>(
      primary,
      sql`select pg_current_wal_lsn()::text as lsn`,
    );
    const deadline = Date.now() + maxWaitMs;
    for (;;) {
      const [state] = await rowsOf<{ caught_up: boolean }>(
        replica,
        sql`select coalesce(pg_last_wal_replay_lsn() >= ${at?.lsn}::pg_lsn, true) as caught_up`,
      );
      if (state?.caught_up) return true;
      if (Date.now() >= deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  };

/** The rows of `read(onReplica)`, where `choose` decides (once, on the first pull) which side. */
const chosen = <T>(
  choose: () => Promise<boolean>,
  read: (onReplica: boolean) => AsyncIterable<T>,
): AsyncIterable<T> => ({
  async *[Symbol.asyncIterator]() {
    yield* read(await choose());
  },
});

/**
 * The ports whose reads go to `replica`: TagReports whole, and Conversations with only
 * `transcript` on the replica (get, update, events, search and deletion stay on the
 * primary). Provide it after `databaseLayer(primary.db)` so it wins. Both must be
 * PostgreSQL servers.
 */
export const replicaReadsLayer = (
  primary: Database,
  replica: Database,
  options: ReplicaReadOptions = {},
): Layer.Layer<Conversations | TagReports> => {
  if (primary.driver !== "postgres" || replica.driver !== "postgres") {
    throw new DatabaseOptionsInvalid(
      "url",
      "A read replica needs PostgreSQL for both the primary and the read database.",
    );
  }
  const check = caughtUp(primary.db, replica.db, options);
  const choose = async () => {
    const onReplica = await check();
    options.onRead?.(onReplica ? "replica" : "primary");
    return onReplica;
  };
  const rows = { replica: rowExportFor(replica), primary: rowExportFor(primary) };
  const reports = {
    replica: makeTagReports(replica.db, rows.replica),
    primary: makeTagReports(primary.db, rows.primary),
  };
  const conversations = {
    replica: makeConversations(replica.db, rows.replica),
    primary: makeConversations(primary.db, rows.primary),
  };
  const side = <S>(pair: { replica: S; primary: S }, onReplica: boolean) =>
    onReplica ? pair.replica : pair.primary;
  return Layer.mergeAll(
    Layer.succeed(TagReports, {
      stats: (teamId, range) => chosen(choose, (r) => side(reports, r).stats(teamId, range)),
      records: (teamId, range) => chosen(choose, (r) => side(reports, r).records(teamId, range)),
    }),
    Layer.succeed(Conversations, {
      ...conversations.primary,
      transcript: (teamId, conversationId) =>
        chosen(choose, (r) => side(conversations, r).transcript(teamId, conversationId)),
    }),
  );
};
