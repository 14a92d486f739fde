import { randomUUID } from "node:crypto";
import type { ConversationId, MemberId, TeamId } from "@customer-panel/core";
import { sql } from "drizzle-orm";
import { Cause, Effect, Exit } from "effect";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHANGES_CHANNEL, createDatabase, type Database } from "../src/database.js";
import { makePanelReader } from "../src/repositories/panel-reader.js";
import { withDatabaseName } from "../src/testing/engines.js";
import { type PgBouncer, pgbouncerBinary, startPgBouncer } from "../src/testing/pgbouncer.js";
import { seedCustomer, seedMember, seedTeam } from "../src/testing/seed.js";
import { rowsOf } from "../src/transaction.js";

/** The server behind the pooler: TEST_DATABASE_URL, when pgbouncer is installed too. */
const servers =
  process.env.TEST_DATABASE_URL && pgbouncerBinary() !== null
    ? [{ name: "postgres", adminUrl: process.env.TEST_DATABASE_URL }]
    : [];

describe.each(servers)("issue 17: $name behind PgBouncer in transaction mode", ({ adminUrl }) => {
  let bouncer: PgBouncer;
  let admin: pg.Client;
  let directUrl: string;
  let pooledUrl: string;
  const opened: Database[] = [];
  const open = async (options: Parameters<typeof createDatabase>[0]) => {
    const database = await createDatabase(options);
    opened.push(database);
    return database;
  };
  const name = `panel_pool_${randomUUID().replace(/-/g, "")}`;

  beforeAll(async () => {
    admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(
      `CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'`,
    );
    bouncer = await startPgBouncer({ serverUrl: adminUrl, poolSize: 4 });
    directUrl = withDatabaseName(adminUrl, name);
    pooledUrl = bouncer.pooled(directUrl);
  });
  afterAll(async () => {
    for (const database of opened) await database.close();
    await bouncer?.stop();
    await admin?.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin?.end();
  });

  it("migrates through the direct URL while the pool goes through the pooler", async () => {
    const database = await open({ url: pooledUrl, directUrl, namedStatements: false });
    await database.migrate();
    await database.migrate();
    const [tables] = await rowsOf<{ n: number }>(
      database.db,
      sql`select count(*)::int as n from information_schema.tables where table_schema = 'public'`,
    );
    expect(tables?.n).toBeGreaterThanOrEqual(18);
    // The pool's statements reached the server through PgBouncer (its server connections' name).
    const [via] = await rowsOf<{ app: string }>(
      database.db,
      sql`select application_name as app from pg_stat_activity where pid = pg_backend_pid()`,
    );
    expect(via?.app).toBe("pgbouncer");
  });

  /** panel.get's prepared read, many times from a few pooled clients at once. */
  const readPanels = async (database: Database) => {
    const { db } = database;
    const teamId = await seedTeam(db);
    const agent = await seedMember(db, teamId, "cs_agent");
    const { conversationId } = await seedCustomer(db, teamId, { displayName: "陳大文" });
    const reader = makePanelReader(db);
    const load = async () => {
      const exit = await Effect.runPromiseExit(
        reader.load(teamId as TeamId, conversationId as ConversationId, {
          memberId: agent as MemberId,
          ordersSince: new Date("2025-01-01T00:00:00Z"),
        }),
      );
      if (Exit.isFailure(exit)) throw Cause.squash(exit.cause);
      return exit.value;
    };
    const names: string[] = [];
    for (let round = 0; round < 5; round++) {
      const snapshots = await Promise.all(Array.from({ length: 6 }, load));
      for (const snapshot of snapshots) names.push(snapshot?.customer.displayName ?? "");
    }
    return names;
  };

  it("without the setting, panel.get's named prepared statement breaks (the failure the setting fixes)", async () => {
    const database = await open({ url: pooledUrl, poolSize: 6 });
    // drizzle's "Failed query" error carries the server's answer as its cause.
    await expect(readPanels(database)).rejects.toMatchObject({
      cause: { message: expect.stringMatching(/prepared statement "panel_reader_main"/) },
    });
  });

  it("with namedStatements: false, the same reads all succeed", async () => {
    const database = await open({ url: pooledUrl, poolSize: 6, namedStatements: false });
    const names = await readPanels(database);
    expect(names).toHaveLength(30);
    expect(new Set(names)).toEqual(new Set(["陳大文"]));
  });

  it("LISTEN uses the direct URL: a change committed through the pooler is heard", async () => {
    const database = await open({ url: pooledUrl, directUrl, namedStatements: false });
    const heard: string[] = [];
    const stop = await database.listen(CHANGES_CHANNEL, (payload) => heard.push(payload));
    try {
      const [listener] = await rowsOf<{ app: string }>(
        database.db,
        sql`select application_name as app from pg_stat_activity
            where application_name = 'customer-panel-listen' and datname = current_database()`,
      );
      // Its backend is a direct client (PgBouncer's server connections are named "pgbouncer").
      expect(listener?.app).toBe("customer-panel-listen");
      await database.db.transaction(async (tx) => {
        await tx.execute(sql`select pg_notify(${CHANGES_CHANNEL}, 'through the pooler')`);
      });
      const deadline = Date.now() + 5_000;
      while (heard.length === 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(heard).toEqual(["through the pooler"]);
    } finally {
      await stop();
    }
  });

  it("refuses a direct URL that is not a PostgreSQL URL, with a stable code", async () => {
    await expect(
      createDatabase({ url: pooledUrl, directUrl: "/tmp/folder" }),
    ).rejects.toMatchObject({ code: "DATABASE_OPTIONS_INVALID", option: "directUrl" });
    await expect(createDatabase({ directUrl })).rejects.toMatchObject({
      code: "DATABASE_OPTIONS_INVALID",
    });
  });
});
