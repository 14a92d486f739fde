import { fc, test } from "@fast-check/vitest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  copyField,
  copySelectText,
  inlineParams,
  instantOfUtcText,
  parseCopyText,
  serverPoolOf,
} from "../src/repositories/copy-rows.js";
import { type EngineHandle, engines } from "./engines.js";

/** PostgreSQL's COPY TO text escaping of one value (CopyAttributeOutText, tab delimiter). */
const pgCopyOut = (value: string | null): string => {
  if (value === null) return "\\N";
  const named: Record<string, string> = {
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\v": "\\v",
    "\\": "\\\\",
  };
  return [...value].map((c) => named[c] ?? c).join("");
};

const text = fc.string({
  unit: fc.oneof(
    fc.constantFrom("\\", "\t", "\n", "\r", "\b", "\f", "\v", "N", "x", "0", "7", "'", '"', "$1"),
    fc.string({ unit: "grapheme", maxLength: 3 }),
    fc.string({ unit: "binary", maxLength: 2 }),
  ),
  maxLength: 30,
});

describe("COPY text rows (the server path of R3 and L7 exports)", () => {
  test.prop([
    fc.array(fc.array(fc.option(text, { nil: null }), { minLength: 1, maxLength: 5 }), {
      minLength: 1,
      maxLength: 5,
    }),
  ])("any field, null or text with any escape, parses back to itself", (rows) => {
    const copied = rows.map((fields) => fields.map(pgCopyOut).join("\t")).join("\n");
    expect(parseCopyText(copied, (fields) => [...fields])).toEqual(rows);
  });

  it("reads the whole text-format grammar: octal, hex and any other escaped character", () => {
    expect(copyField("\\101\\x42\\q\\\\N")).toBe("ABq\\N");
    expect(copyField("\\N")).toBeNull();
    expect(copyField("N")).toBe("N");
    expect(copyField("")).toBe("");
  });

  it("a field array is reused from line to line: a row keeps what it copied", () => {
    const kept = parseCopyText("a\tb\nc\td\te", (fields) => fields);
    expect(kept[0]).toBe(kept[1]);
    expect(parseCopyText("a\tb\nc\td\te", (fields) => fields.join("|"))).toEqual(["a|b", "c|d|e"]);
  });

  it.each([
    ["2025-06-29 12:13:21", "2025-06-29T12:13:21.000Z"],
    ["2025-06-29 12:13:21.1", "2025-06-29T12:13:21.100Z"],
    ["2025-06-29 12:13:21.12", "2025-06-29T12:13:21.120Z"],
    ["2025-06-29 12:13:21.999999", "2025-06-29T12:13:21.999Z"],
    ["1000-01-01 00:00:00", "1000-01-01T00:00:00.000Z"],
    ["0099-12-31 23:59:59.5", "0099-12-31T23:59:59.500Z"],
    ["12345-01-02 03:04:05.006", "+012345-01-02T03:04:05.006Z"],
    ["0001-01-01 00:00:00 BC", "0000-01-01T00:00:00.000Z"],
    ["0044-03-15 12:00:00.25 BC", "-000043-03-15T12:00:00.250Z"],
  ])(
    "a UTC timestamp as PostgreSQL prints it: %s is %s, milliseconds cut, not rounded",
    (printed, iso) => {
      expect(instantOfUtcText(printed).toISOString()).toBe(iso);
    },
  );

  it("infinity is an invalid Date, as the driver reads it; another DateStyle is refused", () => {
    expect(Number.isNaN(instantOfUtcText("infinity").getTime())).toBe(true);
    expect(Number.isNaN(instantOfUtcText("-infinity").getTime())).toBe(true);
    expect(() => instantOfUtcText("06/29/2025 12:13:21")).toThrow(/DateStyle ISO/);
    expect(() => instantOfUtcText("Sun Jun 29 12:13:21 2025")).toThrow(/DateStyle ISO/);
    expect(() => instantOfUtcText("2025-06-29 12:13:2x")).toThrow(/DateStyle ISO/);
  });

  it("parameters become literals; a parameter it can not write is refused", () => {
    expect(
      inlineParams({
        sql: "select $1, $2, $3, $4, $10",
        params: ["it's \\ ok", 3, null, new Date("2025-01-01T00:00:00Z"), 0, 0, 0, 0, 0, true],
      }),
    ).toBe("select E'it''s \\\\ ok', 3, NULL, E'2025-01-01T00:00:00.000Z', TRUE");
    expect(() => inlineParams({ sql: "select $2", params: [1] })).toThrow(RangeError);
    expect(() => inlineParams({ sql: "select $1", params: [{}] })).toThrow(TypeError);
    expect(() => inlineParams({ sql: "select $1", params: [Number.NaN] })).toThrow(TypeError);
  });
});

/** The rows of a raw `db.execute`: an array on PGlite, `{ rows }` from node-postgres. */
const rowsOf = <Row>(result: unknown): Row[] =>
  (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as Row[];

describe.each(engines)("COPY literals on $name", (engine) => {
  let handle: EngineHandle;
  beforeAll(async () => {
    handle = await engine.open();
  });
  afterAll(async () => handle?.dispose());

  it("PGlite has no server pool, so its exports read keyset batches", async () => {
    const { db } = await handle.fresh();
    expect(serverPoolOf(db) === undefined).toBe(engine.name === "pglite");
  });

  it("a parameter written as a literal reads back as exactly itself, whatever it holds", async () => {
    const { db } = await handle.fresh();
    const { sql } = await import("drizzle-orm");
    const values = fc.sample(
      fc
        .string({
          unit: fc.oneof(
            fc.constantFrom("'", "\\", "$", "\n", "E'"),
            fc.string({ unit: "grapheme" }),
          ),
        })
        .filter((s) => !s.includes("\0")),
      { numRuns: 200, seed: 4242 },
    );
    for (const value of values) {
      const query = { toSQL: () => ({ sql: "select $1::text as v", params: [value] }) };
      const result = await db.execute(sql.raw(copySelectText(query)));
      const rows = rowsOf<{
        v: string;
      }>(result);
      expect(rows[0]?.v).toBe(value);
    }
  });

  it("any instant PostgreSQL and JS share comes back from utcTimestampSql's text exactly, to the millisecond", async () => {
    const { db } = await handle.fresh();
    const { sql } = await import("drizzle-orm");
    const instants = fc.sample(
      fc.oneof(
        fc.date({ min: new Date(Date.UTC(-4000, 0, 1)), max: new Date(Date.UTC(20000, 0, 1)) }),
        fc.date({ min: new Date(Date.UTC(1900, 0, 1)), max: new Date(Date.UTC(2100, 0, 1)) }),
      ),
      { numRuns: 300, seed: 2911 },
    );
    const DAY = 86_400_000;
    for (const at of instants) {
      const t = at.getTime();
      const days = Math.floor(t / DAY);
      // Whole days and the milliseconds left, both exact integers, whatever the year.
      const built = `timestamptz 'epoch' + make_interval(days => ${days}) + interval '${t - days * DAY} milliseconds'`;
      // The same text COPY writes: the timestamp type's output, with or without microseconds.
      const result = await db.execute(
        sql.raw(
          `select ((${built}) at time zone 'UTC')::text as v, ((${built} + interval '999 microseconds') at time zone 'UTC')::text as w`,
        ),
      );
      const rows = rowsOf<{
        v: string;
        w: string;
      }>(result);
      expect(instantOfUtcText(rows[0]?.v ?? "").getTime()).toBe(t);
      expect(instantOfUtcText(rows[0]?.w ?? "").getTime()).toBe(t);
    }
  });
});
