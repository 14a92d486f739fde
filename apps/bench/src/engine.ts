import { randomBytes } from "node:crypto";
import { createDatabase, type Database } from "@customer-panel/db";
import pg from "pg";
import { to as copyTo } from "pg-copy-streams";

/** The engines a bench run can measure. */
export type EngineName = "pglite" | "postgres";

/**
 * Raw SQL straight to the driver, bypassing drizzle and the use cases: the baseline path.
 * With a `name`, a server runs it as a named prepared statement (parsed and planned once per
 * connection), as a hand-written hot path would be.
 */
export type RawQuery = <T = Record<string, unknown>>(
  text: string,
  params?: readonly unknown[],
  name?: string,
) => Promise<T[]>;

/** A migrated bench database: the library's handle, a raw path, a statement counter, and cleanup. */
export interface BenchEngine {
  readonly name: EngineName;
  readonly database: Database;
  /** The PostgreSQL database's URL, for a server process started on it; null on PGlite. */
  readonly url: string | null;
  readonly raw: RawQuery;
  /**
   * `COPY (<select>) TO STDOUT WITH CSV`, read to the end; answers the bytes received. COPY
   * takes no parameters, so `select` holds literals (the bench's own fixture values only).
   */
  readonly copyCsv: (select: string) => Promise<number>;
  /** Statements drizzle has sent so far (round trips of the library path). */
  readonly statements: () => number;
  /** Closes every connection and drops the server database, whatever happened before. */
  readonly dispose: () => Promise<void>;
}

const withDatabaseName = (url: string, name: string): string => {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
};

/** Opens a fresh in-memory PGlite, migrated. */
const openPglite = async (): Promise<BenchEngine> => {
  let count = 0;
  const database = await createDatabase({ onQuery: () => count++ });
  try {
    await database.migrate();
    const pglite = database.pglite;
    if (!pglite) throw new Error("PGlite database without its instance");
    return {
      name: "pglite",
      database,
      url: null,
      raw: async (text, params = []) =>
        (await pglite.query(text, params as unknown[])).rows as never[],
      copyCsv: async (select) => {
        // PGlite has no STDOUT to stream to: COPY writes to its virtual /dev/blob instead.
        const result = await pglite.query(`copy (${select}) to '/dev/blob' with csv`);
        return result.blob?.size ?? 0;
      },
      statements: () => count,
      dispose: () => database.close(),
    };
  } catch (error) {
    await database.close();
    throw error;
  }
};

/** Creates `panel_bench_<random>` (UTF-8, C.UTF-8) on the server, migrated; dropped by dispose. */
const openPostgres = async (adminUrl: string): Promise<BenchEngine> => {
  const name = `panel_bench_${randomBytes(8).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  let database: Database | undefined;
  let pool: pg.Pool | undefined;
  // Ctrl-C or a CI timeout must not leave the database behind either.
  const onSignal = () => {
    void dispose().finally(() => process.exit(130));
  };
  const dispose = async () => {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    await database?.close().catch(() => {});
    if (pool && !pool.ended) await pool.end().catch(() => {});
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
    await admin.end().catch(() => {});
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    await admin.query(
      `CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'`,
    );
    const url = withDatabaseName(adminUrl, name);
    let count = 0;
    database = await createDatabase({ url, poolSize: 30, onQuery: () => count++ });
    await database.migrate();
    const rawPool = new pg.Pool({ connectionString: url, max: 30 });
    rawPool.on("error", () => {});
    pool = rawPool;
    return {
      name: "postgres",
      database,
      url,
      raw: async (text, params = [], name) =>
        (await rawPool.query({ name, text, values: params as unknown[] })).rows,
      copyCsv: async (select) => {
        const client = await rawPool.connect();
        try {
          const stream = client.query(copyTo(`copy (${select}) to stdout with csv`));
          let bytes = 0;
          for await (const chunk of stream) bytes += (chunk as Buffer).length;
          return bytes;
        } finally {
          client.release();
        }
      },
      statements: () => count,
      dispose,
    };
  } catch (error) {
    await dispose();
    throw error;
  }
};

/** Opens one engine; PostgreSQL needs the admin url (BENCH_DATABASE_URL or TEST_DATABASE_URL). */
export const openEngine = (
  name: EngineName,
  serverUrl: string | undefined,
): Promise<BenchEngine> => {
  if (name === "pglite") return openPglite();
  if (serverUrl === undefined) {
    throw new Error("--engine postgres needs BENCH_DATABASE_URL or TEST_DATABASE_URL");
  }
  return openPostgres(serverUrl);
};
