import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EngineHandle, engines } from "../src/testing/engines.js";
import { rowsOf } from "../src/transaction.js";

describe.each(engines)(
  "B7 migrations on $name (the same suite runs on PGlite and PostgreSQL)",
  (engine) => {
    let handle: EngineHandle;
    beforeAll(async () => {
      handle = await engine.open();
    });
    afterAll(async () => handle?.dispose());

    it("apply once and again without harm, with pg_trgm available", async () => {
      const database = await handle.fresh();
      await database.migrate();
      const ext = await rowsOf(
        database.db,
        sql`select extname from pg_extension where extname = 'pg_trgm'`,
      );
      expect(ext).toHaveLength(1);
      const [tables] = await rowsOf<{ n: number }>(
        database.db,
        sql`select count(*)::int as n from information_schema.tables where table_schema = 'public'`,
      );
      expect(tables?.n).toBeGreaterThanOrEqual(18);
    });

    it("runs in a UTF-8 database whose ctype classifies CJK letters (pg_trgm needs it for Chinese)", async () => {
      const database = await handle.fresh();
      const [info] = await rowsOf<{ encoding: string; ctype: string }>(
        database.db,
        sql`select pg_encoding_to_char(encoding) as encoding, datctype as ctype
          from pg_database where datname = current_database()`,
      );
      expect(info?.encoding).toBe("UTF8");
      expect(info?.ctype).not.toBe("C");
      const [trigrams] = await rowsOf<{ n: number }>(
        database.db,
        sql`select array_length(show_trgm('我想要退貨'), 1) as n`,
      );
      expect(trigrams?.n).toBeGreaterThan(0);
    });

    it("R2 over years of history: the team-and-time index covers what the stats aggregate reads", async () => {
      const database = await handle.fresh();
      const [index] = await rowsOf<{ def: string }>(
        database.db,
        sql`select indexdef as def from pg_indexes where indexname = 'tag_applications_team_applied_idx'`,
      );
      expect(index?.def).toContain("(team_id, applied_at, id) INCLUDE (tag_id, customer_id)");
    });

    it("migration 0008 rebuilds only an index without the columns: one built beforehand stays", async () => {
      const database = await handle.fresh();
      const migration = sql.raw(
        await readFile(
          fileURLToPath(
            new URL("../migrations/0008_tag_applications_window_covering.sql", import.meta.url),
          ),
          "utf8",
        ),
      );
      const indexOid = async () =>
        (
          await rowsOf<{ oid: number; def: string }>(
            database.db,
            sql`select c.oid::int as oid, pg_get_indexdef(c.oid) as def from pg_class c
                where c.relname = 'tag_applications_team_applied_idx'`,
          )
        )[0];
      // Built beforehand (as docs/deploy.md tells a large install to): the migration keeps it.
      const before = await indexOid();
      await database.db.execute(migration);
      expect(await indexOid()).toEqual(before);
      // The index as migration 0006 left it: rebuilt with the columns.
      await database.db.execute(sql`drop index tag_applications_team_applied_idx`);
      await database.db.execute(
        sql`create index tag_applications_team_applied_idx on tag_applications (team_id, applied_at, id)`,
      );
      await database.db.execute(migration);
      expect((await indexOid())?.def).toContain("INCLUDE (tag_id, customer_id)");
    });
  },
);
