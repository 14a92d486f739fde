import { sql } from "drizzle-orm";
import { readMigrationFiles } from "drizzle-orm/migrator";
import { type Database, MIGRATIONS_FOLDER } from "./database.js";
import { rowsOf } from "./transaction.js";

/**
 * How many committed migrations the database has not applied yet (0: current). Decided
 * the way drizzle's migrator does: a migration is applied when its folder time is not
 * after the newest one recorded in `drizzle.__drizzle_migrations`. An empty database has
 * them all pending.
 */
export const pendingMigrations = async (database: Database): Promise<number> => {
  const files = readMigrationFiles({ migrationsFolder: MIGRATIONS_FOLDER });
  const [found] = await rowsOf<{ table: string | null }>(
    database.db,
    sql`select to_regclass('drizzle.__drizzle_migrations')::text as "table"`,
  );
  if (found?.table == null) return files.length;
  const [latest] = await rowsOf<{ at: string | null }>(
    database.db,
    sql`select max(created_at)::text as "at" from drizzle.__drizzle_migrations`,
  );
  const at = Number(latest?.at ?? 0);
  return files.filter((file) => file.folderMillis > at).length;
};
