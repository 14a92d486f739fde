import { is, type SQL } from "drizzle-orm";
import { type AnyPgColumn, PgTimestamp } from "drizzle-orm/pg-core";

/**
 * The select's fields of an export by name (`f0`, `f1`, … in the spec's order), each as
 * `instant` turns it when it is a `timestamptz` column and as it stands otherwise.
 */
export const exportFields = (
  fields: readonly (AnyPgColumn | SQL)[],
  instant: (column: AnyPgColumn) => AnyPgColumn | SQL,
): Record<string, AnyPgColumn | SQL> =>
  Object.fromEntries(
    fields.map((field, i) => [`f${i}`, is(field, PgTimestamp) ? instant(field) : field]),
  );
