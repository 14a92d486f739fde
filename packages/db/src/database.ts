import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { drizzle as drizzleNodePg } from "drizzle-orm/node-postgres";
import { migrate as migrateNodePg } from "drizzle-orm/node-postgres/migrator";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import pg from "pg";
import * as schema from "./schema.js";
import { UnnamedStatementsClient } from "./unnamed-statements.js";

/** The drizzle database both drivers give; repositories are written once against it. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

/** The folder of the committed migrations. */
export const MIGRATIONS_FOLDER = fileURLToPath(new URL("../migrations", import.meta.url));

/** Notification channel of panel changes (B6). */
export const CHANGES_CHANNEL = "customer_panel_changes";

/** `application_name` of the LISTEN connection (operators and tests find its backend by it). */
export const LISTEN_APPLICATION_NAME = "customer-panel-listen";

/** Where the data lives: in memory, a PGlite folder, or a PostgreSQL server. */
export interface DatabaseOptions {
  /** `postgres://…` for a server; a folder path (or `file://…`) for persisted PGlite; nothing for in-memory PGlite. */
  readonly url?: string | undefined;
  /**
   * A `postgres://…` URL that reaches the same database WITHOUT a transaction pooler: LISTEN
   * and migrations (they hold a session — a LISTEN, a session advisory lock) use it. Give it
   * when `url` goes through PgBouncer in transaction mode; default `url`.
   */
  readonly directUrl?: string | undefined;
  /**
   * false: no named prepared statements — every statement is sent unnamed. Required behind
   * PgBouncer in transaction mode before 1.21 (Debian's 1.18), which does not keep them
   * across transactions. Default true (`panel.get`'s main read is prepared once per connection).
   * Server only; PGlite has no pooler.
   */
  readonly namedStatements?: boolean | undefined;
  /** node-postgres pool size (server only). */
  readonly poolSize?: number;
  /** Called with every SQL statement drizzle sends (round-trip counting, debugging). */
  readonly onQuery?: (statement: string) => void;
}

const loggerOf = (options: Pick<DatabaseOptions, "onQuery">) =>
  options.onQuery ? { logQuery: (statement: string) => options.onQuery?.(statement) } : false;

/** An open database: the drizzle handle, change notifications, and close. */
export interface Database {
  readonly driver: "pglite" | "postgres";
  readonly db: Db;
  /** Applies the committed migrations; applying twice is harmless. */
  readonly migrate: () => Promise<void>;
  /**
   * Subscribes to a notification channel; resolves to an unsubscribe function. `onLost`
   * is called once when the subscription dies on its own (PostgreSQL dropped the
   * connection): nothing is heard after it, and the caller must listen again.
   */
  readonly listen: (
    channel: string,
    onPayload: (payload: string) => void,
    onLost?: (error: unknown) => void,
  ) => Promise<() => Promise<void>>;
  /** Closes the pool or the PGlite instance (an open PGlite keeps Node alive). */
  readonly close: () => Promise<void>;
  /** The PGlite instance (PGlite driver only), for cloning in tests. */
  readonly pglite?: PGlite;
  /** The node-postgres pool (PostgreSQL driver only), for what drizzle does not speak (COPY). */
  readonly pool?: pg.Pool;
  /** Connections of the pool now (PostgreSQL only; PGlite has no pool): for metrics. */
  readonly poolStats?: () => PoolStats;
}

/** A node-postgres pool's connections: open, idle, and callers waiting for one. */
export interface PoolStats {
  readonly total: number;
  readonly idle: number;
  readonly waiting: number;
}

const isServerUrl = (url: string): boolean => /^postgres(ql)?:\/\//.test(url);

/** Options that can not work together (e.g. a direct URL for a PGlite folder). */
export class DatabaseOptionsInvalid extends Error {
  /** Stable code for hosts and logs. */
  readonly code = "DATABASE_OPTIONS_INVALID" as const;
  constructor(
    /** The option at fault. */
    readonly option: keyof DatabaseOptions,
    message: string,
  ) {
    super(message);
    this.name = "DatabaseOptionsInvalid";
  }
}

// Two API servers may start at once on one PostgreSQL: the migration runs under an advisory lock.
const MIGRATION_LOCK = 7_215_342_901;

/** A PGlite folder that can not be opened or read: damaged, or not a PGlite database. */
export class DatabaseFolderDamaged extends Error {
  /** Stable code for hosts and logs. */
  readonly code = "DATABASE_FOLDER_DAMAGED" as const;
  constructor(
    /** The folder that failed. */
    readonly folder: string,
    cause: unknown,
  ) {
    super(
      `The PGlite database folder ${folder} is damaged or is not a PGlite database ` +
        `(${describe(cause)}). Nothing was served from it: restore the folder from a backup, ` +
        "or start with an empty folder.",
      { cause },
    );
    this.name = "DatabaseFolderDamaged";
  }
}

// PGlite's start-up failures are Emscripten objects or errors; a short line of what it said.
const describe = (cause: unknown): string => {
  const text = cause instanceof Error ? cause.message : String(cause);
  const line = text.split("\n")[0] ?? "";
  return line.length > 200 ? `${line.slice(0, 200)}…` : line || "no detail";
};

/**
 * Reads what every request needs before a folder is served: each of the panel's tables is
 * resolved (catalog lookups through the catalog indexes) and its first row read. Bounded: one
 * `limit 1` query per table. A truncated catalog file fails here instead of on every request.
 */
const checkFolder = async (pglite: PGlite): Promise<void> => {
  const tables = await pglite.query<{ schema: string; name: string }>(
    `select n.nspname as schema, c.relname as name
     from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname in ('public', 'drizzle') and c.relkind in ('r', 'p') order by 1, 2`,
  );
  const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;
  for (const { schema, name } of tables.rows) {
    await pglite.query(`select * from ${quoted(schema)}.${quoted(name)} limit 1`);
  }
};

const openFolder = async (dataDir: string): Promise<PGlite> => {
  let pglite: PGlite | undefined;
  try {
    pglite = await PGlite.create({ dataDir, extensions: { pg_trgm } });
    await checkFolder(pglite);
    return pglite;
  } catch (cause) {
    await pglite?.close().catch(() => {});
    throw new DatabaseFolderDamaged(dataDir, cause);
  }
};

/**
 * Opens the database. No url or a folder: PGlite (in memory, or persisted in the
 * folder), with pg_trgm loaded; a folder is checked first and a damaged one fails with
 * {@link DatabaseFolderDamaged} naming it. A `postgres://` url: a node-postgres pool.
 */
export const createDatabase = async (options: DatabaseOptions = {}): Promise<Database> => {
  const url = options.url;
  if (url !== undefined && isServerUrl(url)) return openServer(url, options);
  if (options.directUrl !== undefined) {
    throw new DatabaseOptionsInvalid(
      "directUrl",
      "directUrl is for a PostgreSQL server: url must be a postgres:// URL too.",
    );
  }
  const dataDir = url?.startsWith("file://") ? fileURLToPath(url) : url;
  const pglite =
    dataDir === undefined
      ? await PGlite.create({ extensions: { pg_trgm } })
      : await openFolder(dataDir);
  return fromPglite(pglite, options);
};

/** Wraps an open PGlite instance (e.g. a clone made by a test). */
export const fromPglite = (
  pglite: PGlite,
  options: Pick<DatabaseOptions, "onQuery"> = {},
): Database => {
  const db = drizzlePglite(pglite, {
    schema,
    casing: "snake_case",
    logger: loggerOf(options),
  }) as unknown as Db;
  return {
    driver: "pglite",
    db,
    pglite,
    migrate: async () => {
      await migratePglite(drizzlePglite(pglite, { schema, casing: "snake_case" }), {
        migrationsFolder: MIGRATIONS_FOLDER,
      });
    },
    listen: async (channel, onPayload) => {
      const unlisten = await pglite.listen(channel, onPayload);
      return async () => {
        if (!pglite.closed) await unlisten();
      };
    },
    close: async () => {
      if (!pglite.closed) await pglite.close();
    },
  };
};

const openServer = (url: string, options: DatabaseOptions): Database => {
  const directUrl = options.directUrl ?? url;
  if (!isServerUrl(directUrl)) {
    throw new DatabaseOptionsInvalid("directUrl", "directUrl must be a postgres:// URL.");
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    ...(options.namedStatements === false && { Client: UnnamedStatementsClient }),
  });
  // An idle client that errors (server restart) must not crash the process.
  pool.on("error", () => {});
  const db = drizzleNodePg(pool, {
    schema,
    casing: "snake_case",
    logger: loggerOf(options),
  }) as unknown as Db;
  // The session the migration lock lives in: its own connection on the direct URL, if given.
  const sessionClient = async () => {
    if (options.directUrl === undefined) {
      const client = await pool.connect();
      return { client, done: async () => client.release() };
    }
    const client = new pg.Client({ connectionString: directUrl });
    client.on("error", () => {});
    await client.connect();
    return { client, done: () => client.end() };
  };
  return {
    driver: "postgres",
    db,
    pool,
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    migrate: async () => {
      const { client, done } = await sessionClient();
      try {
        await client.query("select pg_advisory_lock($1)", [MIGRATION_LOCK]);
        await migrateNodePg(drizzleNodePg(client, { schema, casing: "snake_case" }), {
          migrationsFolder: MIGRATIONS_FOLDER,
        });
      } finally {
        await client.query("select pg_advisory_unlock($1)", [MIGRATION_LOCK]).catch(() => {});
        await done();
      }
    },
    listen: async (channel, onPayload, onLost) => {
      // LISTEN needs one connection of its own for as long as the subscription lives.
      const client = new pg.Client({
        connectionString: directUrl,
        application_name: LISTEN_APPLICATION_NAME,
      });
      // `live` once LISTEN is active; `done` once lost or ended, so onLost fires at most once.
      let live = false;
      let done = false;
      const lost = (error?: unknown) => {
        if (done) return;
        done = true;
        client.end().catch(() => {});
        if (live) onLost?.(error);
      };
      client.on("error", lost);
      client.on("end", () => lost());
      client.on("notification", (n) => {
        if (n.channel === channel && n.payload !== undefined) onPayload(n.payload);
      });
      try {
        await client.connect();
        await client.query(`LISTEN "${channel.replace(/"/g, '""')}"`);
      } catch (error) {
        done = true;
        await client.end().catch(() => {});
        throw error;
      }
      if (done) throw new Error("The LISTEN connection was lost while it started.");
      live = true;
      return async () => {
        done = true;
        await client.end().catch(() => {});
      };
    },
    close: async () => {
      if (!pool.ended) await pool.end();
    },
  };
};
