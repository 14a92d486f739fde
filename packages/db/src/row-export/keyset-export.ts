import { type SQL, sql } from "drizzle-orm";
import { exportFields } from "./export-fields.js";
import type { Bind, ExportRow, RowExport, RowExportSpec } from "./row-export.js";

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
async function* keysetBatches<Row, Cursor>(
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

/** A keyset batch's row as {@link ExportRow}: drizzle has already read every value. */
class KeysetRow implements ExportRow {
  row: Record<string, unknown> = {};
  constructor(private readonly names: readonly string[]) {}
  private value(i: number): unknown {
    return this.row[this.names[i] as string];
  }
  text(i: number): string | null {
    return (this.value(i) as string | null) ?? null;
  }
  instant(i: number): Date {
    return this.value(i) as Date;
  }
  oneOf(i: number): string | null {
    return this.text(i);
  }
  repeated(i: number): string | null {
    return this.text(i);
  }
}

/** A value as a bound parameter of the column's type (a Date as its ISO text). */
export const bindParameter: Bind = (value, like) =>
  sql`${value instanceof Date ? value.toISOString() : value}::${sql.raw(like.getSQLType())}`;

/** Where the previous batch ended: the key's values as PostgreSQL prints them (microseconds kept). */
type Cursor = readonly [string, string];

/**
 * The row export on PGlite (and on a transaction's handle): keyset batches over the spec's
 * key, one read ahead ({@link keysetBatches}). The cursor travels as PostgreSQL's own text:
 * a JS Date drops microseconds, and the next batch would then repeat rows.
 */
export const keysetRowExport =
  (batchSize: number): RowExport =>
  <Row>(spec: RowExportSpec<Row>): AsyncIterable<readonly Row[]> => {
    const [first, second] = spec.key;
    const fields = {
      ...exportFields(spec.fields, (column) => column),
      k0: sql<string>`${first}::text`,
      k1: sql<string>`${second}::text`,
    };
    const names = spec.fields.map((_, i) => `f${i}`);
    const read = (after: Cursor | null) => {
      const where: SQL | undefined =
        after === null
          ? undefined
          : sql`(${first}, ${second}) > (${bindParameter(after[0], first)}, ${bindParameter(after[1], second)})`;
      return Promise.resolve(spec.select(fields, bindParameter, where).limit(batchSize));
    };
    const cursorOf = (last: Record<string, unknown>): Cursor => [String(last.k0), String(last.k1)];
    return (async function* (): AsyncGenerator<readonly Row[]> {
      const line = new KeysetRow(names);
      for await (const batch of keysetBatches(read, cursorOf, batchSize)) {
        yield batch.map((row) => {
          line.row = row;
          return spec.toRow(line);
        });
      }
    })();
  };
