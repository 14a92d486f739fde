import { createHash } from "node:crypto";
import type { Database } from "@customer-panel/db";
import { sql } from "drizzle-orm";

/**
 * A fingerprint of every row of every table of the panel's schema, for "a refused
 * input leaves the database unchanged". Each table is read in a stable order as
 * JSON (`row_to_json`, ordered by the whole row's text) and hashed; the result maps
 * table → { rows, sha256 } so a difference names the table that changed.
 *
 * The drizzle migrations journal is left out (it is not the panel's data), and so are the
 * export bookkeeping tables `download_links` and `export_takes`: a harmless answer (a
 * report link for any valid range) writes them; that a refusal takes nothing is proved by
 * `export-limit.test.ts` and `download-links.test.ts`.
 */
export type Snapshot = Readonly<Record<string, { readonly rows: number; readonly sha256: string }>>;

const rowsOf = async <T>(database: Database, text: ReturnType<typeof sql>): Promise<T[]> => {
  const result = (await database.db.execute(text)) as unknown as { rows?: T[] } | T[];
  return Array.isArray(result) ? result : (result.rows ?? []);
};

/** Every table of the public schema, in name order. */
const tablesOf = async (database: Database): Promise<string[]> =>
  (
    await rowsOf<{ name: string }>(
      database,
      sql`select tablename as name from pg_tables where schemaname = 'public'
        and tablename not in ('download_links', 'export_takes') order by tablename collate "C"`,
    )
  ).map((r) => r.name);

/** The fingerprint of the whole database, now. */
export const snapshot = async (database: Database): Promise<Snapshot> => {
  const out: Record<string, { rows: number; sha256: string }> = {};
  for (const table of await tablesOf(database)) {
    const rows = await rowsOf<{ j: string }>(
      database,
      sql`select j from (select row_to_json(t)::text as j from ${sql.identifier(table)} t) s order by j collate "C"`,
    );
    const hash = createHash("sha256");
    for (const r of rows) hash.update(r.j).update("\n");
    out[table] = { rows: rows.length, sha256: hash.digest("hex") };
  }
  return out;
};

/** Tables whose fingerprint differs between two snapshots (empty when equal). */
export const changedTables = (before: Snapshot, after: Snapshot): string[] =>
  [...new Set([...Object.keys(before), ...Object.keys(after)])]
    .filter((t) => before[t]?.sha256 !== after[t]?.sha256)
    .sort();
