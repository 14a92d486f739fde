import { createRequire } from "node:module";
import { fc } from "@fast-check/vitest";
import { and, asc, eq, type SQL, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/node-postgres";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database, Db } from "../src/database.js";
import { copySelectOf, copyStatementOf } from "../src/row-export/copy-export.js";
import { type RowExportSpec, rowExportFor } from "../src/row-export/row-export.js";
import * as schema from "../src/schema.js";
import { messages } from "../src/schema.js";
import { type EngineHandle, engines } from "../src/testing/engines.js";
import { seedCustomer, seedMessages, seedTeam } from "../src/testing/seed.js";
import { collectRows } from "./port-calls.js";

/** The messages whose content is `value` (bound), oldest first, as their content and time. */
const byContent = (db: Db, value: string): RowExportSpec<{ content: string; sentAt: Date }> => ({
  fields: [messages.content, messages.sentAt],
  key: [messages.sentAt, messages.seq],
  select: (fields, bind, after) =>
    db
      .select(fields)
      .from(messages)
      .where(and(eq(messages.content, bind(value, messages.content)), after))
      .orderBy(asc(messages.sentAt), asc(messages.seq)),
  toRow: (row) => ({ content: row.text(0) ?? "", sentAt: row.instant(1) }),
});

const tricky = fc
  .string({
    unit: fc.oneof(
      fc.constantFrom("'", "\\", "$1", "\n", "\t", "E'", "current_setting('x')", "%s"),
      fc.string({ unit: "grapheme", maxLength: 3 }),
    ),
  })
  .filter((s) => !s.includes("\0"));

// copy-out.ts reads node-postgres' socket itself (pg 8's `connection.stream` and its one data
// listener): a new major version must be checked against it on purpose, not arrive unnoticed.
it("the hand-written COPY reader is pinned to the node-postgres major version it was written for", () => {
  const { version } = createRequire(import.meta.url)("pg/package.json") as { version: string };
  expect(version.split(".")[0]).toBe("8");
});

describe("the COPY statement of an R3 or L7 export: values bound, never written into it", () => {
  it("holds setting names and types, never a value: the values travel bound", () => {
    // No connection: the statement is only built.
    const db = drizzle.mock({ schema, casing: "snake_case" }) as unknown as Db;
    const value = "it's \\ $1 'E' 客服";
    const statement = copyStatementOf(byContent(db, value));
    expect(statement.values).toEqual([value]);
    expect(statement.text).not.toContain("客服");
    expect(statement.text).toContain(`"content" = panel_export_value('row_export.p1')::text`);
    expect(statement.text).toMatch(/^COPY \(select .* TO STDOUT$/s);
  });

  it("a select holding a value not given through bind is refused, not written into the text", async () => {
    const spec: RowExportSpec<string> = {
      fields: [messages.content],
      key: [messages.sentAt, messages.seq],
      select: () => ({
        toSQL: () => ({ sql: "select content from messages where team_id = $1", params: ["t"] }),
        limit: () => Promise.resolve([]),
      }),
      toRow: (row) => row.text(0) ?? "",
    };
    expect(() => copyStatementOf(spec)).toThrow(/1 value\(s\) not given through bind/);
  });
});

describe.each(engines)("row export on $name (the path of R3 and L7 exports)", (engine) => {
  let handle: EngineHandle;
  beforeAll(async () => {
    handle = await engine.open();
  });
  afterAll(async () => handle?.dispose());

  it("a bound value selects exactly the rows holding it, whatever it holds; times come back exact", async () => {
    const database = await handle.fresh();
    const { db } = database;
    const team = await seedTeam(db);
    const { conversationId } = await seedCustomer(db, team);
    const values = [...new Set(fc.sample(tricky, { numRuns: 60, seed: 4242 }))];
    const start = new Date("2025-01-01T00:00:00.123Z");
    await seedMessages(db, team, conversationId, values, start);
    const exportRows = rowExportFor(database, { batchSize: 2 });
    for (const value of values) {
      const rows = await collectRows(exportRows(byContent(db, value)));
      expect(rows.map((r) => r.content)).toEqual([value]);
      expect(rows[0]?.sentAt.getTime()).toBeGreaterThanOrEqual(start.getTime());
    }
    const all = await db.select({ sentAt: messages.sentAt }).from(messages);
    const exported = (
      await Promise.all(values.map((value) => collectRows(exportRows(byContent(db, value)))))
    ).flat();
    expect(exported.map((r) => r.sentAt.getTime()).sort()).toEqual(
      all.map((r) => r.sentAt.getTime()).sort(),
    );
  });

  // Issue 15: values hidden from the planner (an init plan per value) made it plan every
  // window as a generic 1000 rows — a serial index scan and a sort spilled to disk, where
  // PostgreSQL with the values in view plans a parallel scan (30-day records export +49 %).
  it("the planner sees the bound values: a rare value is planned as rare, a common one as common, nothing runs per row", async () => {
    const database = await handle.fresh();
    const { db } = database;
    const team = await seedTeam(db);
    const { conversationId } = await seedCustomer(db, team);
    const contents = [...Array.from({ length: 400 }, () => "common"), "rare"];
    await seedMessages(db, team, conversationId, contents);
    await db.execute(sql`analyze messages`);
    const plan = async (value: string) => {
      const select = copySelectOf(byContent(db, value));
      return db.transaction(async (tx) => {
        for (const [i, bound] of select.values.entries()) {
          await tx.execute(sql`select set_config(${`row_export.p${i + 1}`}, ${bound}, true)`);
        }
        const json = await tx.execute(sql.raw(`explain (format json) ${select.text}`));
        const verbose = await tx.execute(sql.raw(`explain (verbose) ${select.text}`));
        const first = (json as unknown as { rows?: unknown[] }).rows ?? (json as unknown[]);
        const cell = Object.values(first[0] as Record<string, unknown>)[0];
        const parsed = (typeof cell === "string" ? JSON.parse(cell) : cell) as [
          { Plan: { "Plan Rows": number } },
        ];
        const lines = ((verbose as unknown as { rows?: unknown[] }).rows ?? (verbose as unknown[]))
          .map((row) => Object.values(row as Record<string, unknown>)[0])
          .join("\n");
        return { rows: parsed[0].Plan["Plan Rows"], text: lines };
      });
    };
    const rare = await plan("rare");
    const common = await plan("common");
    expect(rare.rows).toBeLessThan(20);
    expect(common.rows).toBeGreaterThan(200);
    // The value is a constant of the plan: no setting is read again for each row filtered.
    for (const [value, { text }] of [
      ["rare", rare],
      ["common", common],
    ] as const) {
      expect(text).not.toMatch(/current_setting|panel_export_value|InitPlan/);
      expect(text).toContain(`'${value}'::text`);
    }
  });
});

const servers = engines.filter((engine) => engine.name === "postgres");

/** A server export of raw select text (nothing bound), each line read by `toRow`. */
const rawSpec = <Row>(
  select: string,
  columns: number,
  toRow: RowExportSpec<Row>["toRow"],
): RowExportSpec<Row> => ({
  fields: Array.from({ length: columns }, (): SQL => sql`null`),
  key: [messages.sentAt, messages.seq],
  select: () => ({
    toSQL: () => ({ sql: select, params: [] }),
    limit: () => Promise.reject(new Error("a server export reads no keyset batches")),
  }),
  toRow,
});

describe.runIf(servers.length > 0).each(servers)("COPY export on a real $name server", (engine) => {
  let handle: EngineHandle;
  let database: Database;
  let pool: pg.Pool;
  beforeAll(async () => {
    handle = await engine.open();
    database = await handle.fresh();
    if (database.pool === undefined) throw new Error("a server engine without a pool");
    pool = database.pool;
  });
  afterAll(async () => handle?.dispose());

  it("reads what a plain SELECT reads: large rows, multi-byte text across chunks, notices in between", async () => {
    await pool.query(`create or replace function noisy(n int) returns int language plpgsql as $$
      begin
        if n % 1000 = 0 then raise notice 'row %', n; end if;
        return n;
      end $$`);
    const select = `select noisy(g) as n, repeat('訊息', case when g % 5000 = 0 then 300000 else g % 50 end) as t
      from generate_series(1, 20000) g order by g`;
    const expected = (await pool.query<{ n: number; t: string }>(select)).rows;
    const rows = await collectRows(
      rowExportFor(database)(
        rawSpec(select, 2, (row) => ({ n: Number(row.text(0)), t: row.text(1) })),
      ),
    );
    expect(rows.length).toBe(expected.length);
    expect(rows).toEqual(expected);
    // The connection went back healthy: the pool's next statement runs.
    expect((await pool.query("select 1 as one")).rows).toEqual([{ one: 1 }]);
  });

  it("a server error in mid-stream rejects the read with PostgreSQL's error, and the pool recovers", async () => {
    const select = "select 1 / (10000 - g) as v from generate_series(1, 20000) g";
    const error = await collectRows(
      rowExportFor(database)(rawSpec(select, 1, (row) => row.text(0))),
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "22012" });
    expect((await pool.query("select 2 as two")).rows).toEqual([{ two: 2 }]);
  });

  it("a statement the server refuses at once rejects the first read", async () => {
    const error = await collectRows(
      rowExportFor(database)(
        rawSpec("select no_such_column from pg_class", 1, (row) => row.text(0)),
      ),
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "42703" });
    expect((await pool.query("select 3 as three")).rows).toEqual([{ three: 3 }]);
  });
});
