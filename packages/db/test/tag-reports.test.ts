import type { InstantRange } from "@customer-panel/core";
import {
  encodeTagRecordsCsv,
  encodeTagStatsCsv,
  TAG_RECORDS_HEADER,
  TAG_STATS_HEADER,
  type TagRecordRow,
} from "@customer-panel/core/adapter";
import { parse } from "csv-parse/sync";
import { sql } from "drizzle-orm";
import { Effect } from "effect";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Database, Db } from "../src/database.js";
import { makeTagReports as makeTagReportsOn } from "../src/repositories/tag-reports.js";
import { CopyStalled } from "../src/row-export/copy-export.js";
import {
  BLOB_BATCH_SIZE,
  type RowExportOptions,
  rowExportFor,
} from "../src/row-export/row-export.js";
import { type EngineHandle, engines } from "../src/testing/engines.js";
import { seedCustomer, seedMember, seedTeam } from "../src/testing/seed.js";
import { countingCopies, countingSelects } from "./port-calls.js";
import { type ApplyInput, applyRequest, tagUseCases } from "./tag-requests.js";

const collect = async <T>(rows: AsyncIterable<T>): Promise<T[]> => {
  const out: T[] = [];
  for await (const row of rows) out.push(row);
  return out;
};

/** The rows of a batched stream, in order. */
const rowsOf = async <T>(batches: AsyncIterable<readonly T[]>): Promise<T[]> =>
  (await collect(batches)).flat();

const text = async (chunks: AsyncIterable<string>): Promise<string> =>
  (await collect(chunks)).join("");

const startsAt = new Date("2025-01-10T00:00:00Z");
const endsBefore = new Date("2025-01-11T00:00:00Z");
const range: InstantRange = { startsAt, endsBefore };
const ms = (base: Date, offset: number) => new Date(base.getTime() + offset);

describe.each(engines)("Tag reports on $name", (engine) => {
  let handle: EngineHandle;
  let database: Database;
  let db: Db;
  let teamId: string;
  /** The reports on `on` (default: the test's database), reading through the engine's row export. */
  const makeTagReports = (on: Db = db, options: RowExportOptions = {}) =>
    makeTagReportsOn(on, rowExportFor(database, options));

  beforeAll(async () => {
    handle = await engine.open();
  });
  afterAll(async () => handle?.dispose());
  beforeEach(async () => {
    database = await handle.fresh();
    db = database.db;
    teamId = await seedTeam(db);
  });

  const apply = (input: ApplyInput) =>
    Effect.runPromise(tagUseCases(db).apply(applyRequest(input)));

  describe("R2/R3 a range's applications, [startsAt, endsBefore), this team only (X2)", () => {
    let amy: { customerId: string; conversationId: string };
    let bob: { customerId: string; conversationId: string };
    let memberId: string;

    beforeEach(async () => {
      memberId = await seedMember(db, teamId, "cs_agent", "客服 小美");
      amy = await seedCustomer(db, teamId, { displayName: "王小明", channel: "line" });
      bob = await seedCustomer(db, teamId, { displayName: "=Bob", channel: "webchat" });
      const a = { teamId, customerId: amy.customerId };
      await apply({ ...a, name: "VIP", at: ms(startsAt, -1) }); // before: excluded
      await apply({ ...a, name: "VIP", at: startsAt, confirmed: true, memberId });
      await apply({
        ...a,
        name: "會員",
        at: ms(startsAt, 3_600_000),
        conversationId: amy.conversationId,
        method: "auto_reply",
      });
      await apply({
        teamId,
        customerId: bob.customerId,
        name: "vip",
        at: ms(endsBefore, -1),
        conversationId: bob.conversationId,
        memberId,
      });
      await apply({ ...a, name: "Gold", at: endsBefore }); // at the end: excluded
      const otherTeam = await seedTeam(db);
      const stranger = await seedCustomer(db, otherTeam, { displayName: "Stranger" });
      await apply({
        teamId: otherTeam,
        customerId: stranger.customerId,
        name: "VIP",
        at: ms(startsAt, 10),
      });
    });

    it("R3 records: one row per application in the range, oldest first", async () => {
      const rows = await rowsOf(makeTagReports(db).records(teamId as never, range));
      expect(rows).toEqual([
        {
          appliedAt: startsAt,
          customerId: amy.customerId,
          customerName: "王小明",
          tagName: "VIP",
          channel: null,
          method: "manual",
          memberName: "客服 小美",
        },
        {
          appliedAt: ms(startsAt, 3_600_000),
          customerId: amy.customerId,
          customerName: "王小明",
          tagName: "會員",
          channel: "line",
          method: "auto_reply",
          memberName: null,
        },
        {
          appliedAt: ms(endsBefore, -1),
          customerId: bob.customerId,
          customerName: "=Bob",
          tagName: "VIP",
          channel: "webchat",
          method: "manual",
          memberName: "客服 小美",
        },
      ] satisfies TagRecordRow[]);
    });

    it("R2 stats: per tag, applications and distinct customers, most applied first", async () => {
      const rows = await collect(makeTagReports(db).stats(teamId as never, range));
      expect(rows).toEqual([
        { tagName: "VIP", applications: 2, customers: 2 },
        { tagName: "會員", applications: 1, customers: 1 },
      ]);
    });

    it("R2 counts a customer tagged twice once", async () => {
      await apply({
        teamId,
        customerId: amy.customerId,
        name: "會員",
        at: ms(startsAt, 5),
        method: "api",
      });
      const rows = await collect(makeTagReports(db).stats(teamId as never, range));
      expect(rows).toEqual([
        { tagName: "VIP", applications: 2, customers: 2 },
        { tagName: "會員", applications: 2, customers: 1 },
      ]);
    });

    it("T5 a removed tag's past applications are still reported", async () => {
      const tags = tagUseCases(db);
      const vip = await apply({ teamId, customerId: bob.customerId, name: "VIP" });
      for (const customerId of [amy.customerId, bob.customerId]) {
        await Effect.runPromise(tags.remove(teamId as never, customerId as never, vip.tag.id));
      }
      const stats = await collect(makeTagReports(db).stats(teamId as never, range));
      expect(stats[0]).toEqual({ tagName: "VIP", applications: 2, customers: 2 });
      const records = await rowsOf(makeTagReports(db).records(teamId as never, range));
      expect(records.filter((r) => r.tagName === "VIP")).toHaveLength(2);
    });

    it("R4 through core's CSV encoders: BOM, header, team-zone times, formula-safe", async () => {
      const reports = makeTagReports(db);
      const records = parse(
        await text(encodeTagRecordsCsv(reports.records(teamId as never, range), "Asia/Taipei")),
        { bom: true },
      ) as string[][];
      expect(records[0]).toEqual([...TAG_RECORDS_HEADER]);
      expect(records.slice(1)).toEqual([
        [
          "2025-01-10 08:00:00",
          amy.customerId,
          "王小明",
          "VIP",
          "",
          "manual",
          "客服 小美",
          "+08:00",
        ],
        [
          "2025-01-10 09:00:00",
          amy.customerId,
          "王小明",
          "會員",
          "line",
          "auto_reply",
          "",
          "+08:00",
        ],
        [
          "2025-01-11 07:59:59",
          bob.customerId,
          "'=Bob",
          "VIP",
          "webchat",
          "manual",
          "客服 小美",
          "+08:00",
        ],
      ]);
      const statsCsv = await text(encodeTagStatsCsv(reports.stats(teamId as never, range)));
      expect(statsCsv.startsWith("\uFEFF")).toBe(true);
      expect(parse(statsCsv, { bom: true })).toEqual([
        [...TAG_STATS_HEADER],
        ["VIP", "2", "2"],
        ["會員", "1", "1"],
      ]);
    });
  });

  describe("R4 records stream in batches (keyset on PGlite, one COPY on a server): lazy, ordered, bounded", () => {
    const total = 20_000;
    let customerId: string;

    beforeEach(async () => {
      ({ customerId } = await seedCustomer(db, teamId, { displayName: "大量 客戶" }));
      const memberId = await seedMember(db, teamId, "admin", "管理員");
      const seeded = await apply({ teamId, customerId, name: "Bulk", at: ms(startsAt, -1) });
      // Three rows per millisecond, each half a millisecond past it: ties ordered by id, and
      // times a JS Date can not hold exactly — a Date-based cursor would repeat rows.
      await db.execute(sql`
        insert into tag_applications
          (id, team_id, customer_id, tag_id, applied_at, channel, method, member_id)
        select gen_random_uuid(), ${teamId}, ${customerId}, ${seeded.tag.id},
          ${startsAt.toISOString()}::timestamptz
            + (g / 3) * interval '1 millisecond' + interval '500 microseconds',
          case when g % 2 = 0 then 'line' end,
          case when g % 2 = 0 then 'manual' else 'api' end,
          case when g % 2 = 0 then ${memberId}::uuid end
        from generate_series(0, ${total - 1}) as g`);
    });

    it("yields every row once, oldest first: PGlite in ⌊n / batch⌋ + 1 COPY batches, a server in one COPY", async () => {
      const { db: counted, counter } = countingSelects(db);
      const copies = database.pglite ? countingCopies(database.pglite) : null;
      const rows = await rowsOf(
        makeTagReportsOn(counted, rowExportFor(copies?.database ?? database)).records(
          teamId as never,
          range,
        ),
      );
      expect(rows).toHaveLength(total);
      for (let i = 1; i < rows.length; i++) {
        const [previous, current] = [rows[i - 1], rows[i]];
        if (!previous || !current) throw new Error("row missing");
        expect(current.appliedAt.getTime()).toBeGreaterThanOrEqual(previous.appliedAt.getTime());
      }
      // Rows of one millisecond come in id order, so check the columns by kind, not position.
      const byMember = rows.filter((r) => r.memberName === "管理員");
      expect(byMember).toHaveLength(total / 2);
      expect(byMember.every((r) => r.channel === "line" && r.method === "manual")).toBe(true);
      const byApi = rows.filter((r) => r.method === "api");
      expect(byApi).toHaveLength(total / 2);
      expect(byApi.every((r) => r.channel === null && r.memberName === null)).toBe(true);
      // A full last batch can not tell it is the last: one more (empty) batch says so.
      if (copies) expect(copies.counter.copies).toBe(Math.floor(total / BLOB_BATCH_SIZE) + 1);
      else expect(counter.selects).toBe(1);
    });

    if (engine.name === "pglite") {
      it("reads nothing until iterated; each batch when it is asked for, none after stopping", async () => {
        if (!database.pglite) throw new Error("a PGlite engine without its instance");
        const copies = countingCopies(database.pglite);
        const stream = makeTagReportsOn(
          db,
          rowExportFor(copies.database, { batchSize: 500 }),
        ).records(teamId as never, range);
        expect(copies.counter.copies).toBe(0);
        const iterator = stream[Symbol.asyncIterator]();
        const first = await iterator.next();
        if (first.done) throw new Error("ended early");
        expect(first.value).toHaveLength(500);
        expect(copies.counter.copies).toBe(1);
        const second = await iterator.next();
        if (second.done) throw new Error("ended early");
        // The second batch resumes after the first's last row: no row twice, none skipped.
        expect(second.value[0]?.appliedAt.getTime()).toBeGreaterThanOrEqual(
          first.value[499]?.appliedAt.getTime() ?? Number.NaN,
        );
        expect(copies.counter.copies).toBe(2);
        await iterator.return?.();
        expect(await iterator.next()).toEqual({ done: true, value: undefined });
        expect(copies.counter.copies).toBe(2);
      });
    } else {
      it("a server streams one COPY lazily; stopping early closes its connection and leaves nothing running", async () => {
        const pool = database.pool;
        if (pool === undefined) throw new Error("a server engine without its pool");
        const copies = async () => {
          const { rows } = await pool.query(
            "select count(*)::int as n from pg_stat_activity where datname = current_database() and query like 'COPY (%' and pid <> pg_backend_pid()",
          );
          return rows[0].n as number;
        };
        const stream = makeTagReports(db).records(teamId as never, range);
        expect(await copies()).toBe(0);
        const iterator = stream[Symbol.asyncIterator]();
        const first = await iterator.next();
        if (first.done) throw new Error("ended early");
        expect(first.value.length).toBeGreaterThan(0);
        expect(first.value.length).toBeLessThan(total);
        const opened = pool.totalCount;
        await iterator.return?.();
        expect(await iterator.next()).toEqual({ done: true, value: undefined });
        // The half-read COPY's connection is closed, not handed to the next caller.
        expect(pool.totalCount).toBeLessThan(opened + 1);
        await expect.poll(copies).toBe(0);
        // The pool still works, and a full read still sees every row.
        expect(await rowsOf(makeTagReports(db).records(teamId as never, range))).toHaveLength(
          total,
        );
      });

      it("a reader that takes nothing for the stall timeout loses the statement and its next read fails", async () => {
        const pool = database.pool;
        if (pool === undefined) throw new Error("a server engine without its pool");
        const stream = makeTagReports(db, { stallTimeoutMs: 100 }).records(teamId as never, range);
        const iterator = stream[Symbol.asyncIterator]();
        expect((await iterator.next()).done).toBe(false);
        await new Promise((resolve) => setTimeout(resolve, 400));
        await expect(iterator.next()).rejects.toBeInstanceOf(CopyStalled);
        expect(await rowsOf(makeTagReports(db).records(teamId as never, range))).toHaveLength(
          total,
        );
      });
    }

    it("feeds core's CSV encoder: BOM, header, one line per application, in order", async () => {
      const csv = await text(
        encodeTagRecordsCsv(makeTagReports(db).records(teamId as never, range), "Asia/Taipei"),
      );
      expect(csv.startsWith("\uFEFF")).toBe(true);
      const rows = parse(csv, { bom: true }) as string[][];
      expect(rows[0]).toEqual([...TAG_RECORDS_HEADER]);
      expect(rows).toHaveLength(total + 1);
      expect(rows[1]?.slice(0, 4)).toEqual([
        "2025-01-10 08:00:00",
        customerId,
        "大量 客戶",
        "Bulk",
      ]);
      const times = rows.slice(1).map((r) => r[0] ?? "");
      expect([...times].sort()).toEqual(times);
    });
  });
});
