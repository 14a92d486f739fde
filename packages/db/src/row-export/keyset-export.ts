/**
 * Reads a long, ordered result in keyset batches, yielded whole, one batch ahead: while the caller works
 * through batch n (encoding it, sending it to a slow client), the query of batch n + 1 is
 * already running, so the database and the encoder work at once. No connection or
 * transaction is held between batches; memory holds at most two batches, whatever the
 * total; nothing is read until the first row is asked for; a reader that stops early
 * leaves at most the batch read ahead unread.
 *
 * `read(after)` returns up to `batchSize` rows after the cursor (null: from the start);
 * `cursorOf` gives the cursor of a batch's last row. A short batch is the last one.
 */
export async function* keysetBatches<Row, Cursor>(
  read: (after: Cursor | null) => Promise<readonly Row[]>,
  cursorOf: (last: Row) => Cursor,
  batchSize: number,
): AsyncGenerator<readonly Row[]> {
  let pending: Promise<readonly Row[]> | undefined = read(null);
  try {
    while (pending !== undefined) {
      const batch: readonly Row[] = await pending;
      pending = undefined;
      const last = batch.at(-1);
      if (last !== undefined && batch.length >= batchSize) pending = read(cursorOf(last));
      if (batch.length > 0) yield batch;
    }
  } finally {
    // Stopped early: the batch read ahead is dropped, and so is any failure of its query.
    pending?.catch(() => undefined);
  }
}
