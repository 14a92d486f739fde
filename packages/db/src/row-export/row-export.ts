import type { SQL } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import type { Database } from "../database.js";
import { blobRowExport } from "./blob-export.js";
import { copyRowExport } from "./copy-export.js";

/**
 * The one path long exports (R3/R4's records, L7's transcript) read their rows by. A
 * repository describes the select once ({@link RowExportSpec}); the engine, chosen once from
 * `Database.driver` ({@link rowExportFor}), runs it:
 * - PostgreSQL: one `COPY (<select>) TO STDOUT`, its framing read by copy-out.ts (copy-export.ts);
 * - PGlite (which has no stream to COPY to): keyset batches, each a `COPY … TO '/dev/blob'`
 *   of the same select (blob-export.ts);
 * - a transaction's handle (no pool, no instance): keyset batches of the same select
 *   (keyset-export.ts).
 * Values are always bound parameters, never text in the statement. The rows are UTC instants
 * and plain values; every rule of the file (R4, X5) stays in core.
 */

/**
 * How a value enters an export's select: as a bound parameter cast to the SQL type of the
 * column it is compared with (`like`). Every value must come through it.
 */
export type Bind = (value: string | number | Date, like: AnyPgColumn) => SQL;

/** One row of an export as {@link RowExportSpec.toRow} reads it: field `i` of `fields`. */
export interface ExportRow {
  /** Field `i` as text; null for SQL null. */
  text(i: number): string | null;
  /** Field `i`, a `timestamptz` column, as its instant. */
  instant(i: number): Date;
  /** Field `i` of a closed vocabulary: the entry of `values` itself when it matches. */
  oneOf(i: number, values: readonly string[]): string | null;
  /** Field `i` when it often repeats the row before (a name): the earlier string when equal. */
  repeated(i: number): string | null;
}

/** The select an export runs, as drizzle builds it (ordered by the spec's key). */
export interface ExportSelect {
  /** The statement's text and its bound values. */
  toSQL(): { readonly sql: string; readonly params: unknown[] };
  /** The first `n` rows (keyset batches). */
  limit(n: number): PromiseLike<readonly Record<string, unknown>[]>;
}

/** One export: its fields, its order and its select, and how a row becomes the port's row. */
export interface RowExportSpec<Row> {
  /** The exported values in order; a `timestamptz` column is read as an instant. */
  readonly fields: readonly (AnyPgColumn | SQL)[];
  /** The order key, ascending and unique together: where a keyset batch resumes. */
  readonly key: readonly [AnyPgColumn, AnyPgColumn];
  /**
   * The select of `fields` (as given, by name) in `key` order, every value through `bind`;
   * `after`, when given, is ANDed into its WHERE.
   */
  readonly select: (
    fields: Record<string, AnyPgColumn | SQL>,
    bind: Bind,
    after: SQL | undefined,
  ) => ExportSelect;
  /** The port's row from an export row. */
  readonly toRow: (row: ExportRow) => Row;
}

/**
 * Streams an export's rows in batches, in key order. Nothing runs until the first batch is
 * asked for; a reader that stops early leaves nothing running.
 */
export type RowExport = <Row>(spec: RowExportSpec<Row>) => AsyncIterable<readonly Row[]>;

/** Options of {@link rowExportFor}. */
export interface RowExportOptions {
  /** Rows per PGlite batch (default {@link BLOB_BATCH_SIZE}); tests make it small to see the batching. */
  readonly batchSize?: number;
  /** PostgreSQL: milliseconds without a read before the COPY is dropped (default 60 s). */
  readonly stallTimeoutMs?: number;
}

/** Rows per keyset batch: large enough to be fast, small enough to keep memory flat (R4). */
export const EXPORT_BATCH_SIZE = 2_000;

/**
 * Rows per PGlite COPY batch: a batch is one blob in memory (about 150 bytes a records row),
 * and each costs a statement's planning, so it is larger than a SELECT batch.
 */
export const BLOB_BATCH_SIZE = 20_000;

/** The row export of an open database, chosen once from its driver. */
export const rowExportFor = (
  database: Pick<Database, "driver" | "pool" | "pglite">,
  options: RowExportOptions = {},
): RowExport => {
  const batchSize = Math.max(1, Math.floor(options.batchSize ?? EXPORT_BATCH_SIZE));
  switch (database.driver) {
    case "postgres":
      if (database.pool === undefined) throw new Error("A PostgreSQL database without its pool");
      return copyRowExport(database.pool, options);
    case "pglite":
      if (database.pglite === undefined) throw new Error("A PGlite database without its instance");
      return blobRowExport(
        database.pglite,
        options.batchSize === undefined ? BLOB_BATCH_SIZE : batchSize,
      );
  }
};
