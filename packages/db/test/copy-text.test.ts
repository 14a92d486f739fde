import { fc, test } from "@fast-check/vitest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CopyLine,
  copyField,
  copySelectText,
  inlineParams,
  instantOfUtcText,
  parseCopyText,
  serverPoolOf,
  utcMillisAt,
} from "../src/repositories/copy-rows.js";
import { type EngineHandle, engines } from "../src/testing/engines.js";

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
    fc
      .integer({ min: 1, max: 5 })
      .chain((columns) =>
        fc.tuple(
          fc.constant(columns),
          fc.array(
            fc.array(fc.option(text, { nil: null }), { minLength: columns, maxLength: columns }),
            { minLength: 1, maxLength: 5 },
          ),
        ),
      ),
  ])("any field, null or text with any escape, parses back to itself", ([columns, rows]) => {
    const copied = rows.map((fields) => fields.map(pgCopyOut).join("\t")).join("\n");
    const line = new CopyLine(columns);
    const read = (l: CopyLine) => Array.from({ length: columns }, (_, i) => l.field(i));
    expect(parseCopyText(copied, line, read)).toEqual(rows);
    // The same values through the two readers that keep strings: known values and repeats.
    const known = ["", "N", "\\"];
    expect(parseCopyText(copied, line, (l) => l.oneOf(columns - 1, known))).toEqual(
      rows.map((fields) => fields[columns - 1]),
    );
    expect(parseCopyText(copied, new CopyLine(columns), (l) => l.repeated(0))).toEqual(
      rows.map((fields) => fields[0]),
    );
  });

  it("reads the whole text-format grammar: octal, hex and any other escaped character", () => {
    expect(copyField("\\101\\x42\\q\\\\N")).toBe("ABq\\N");
    expect(copyField("\\N")).toBeNull();
    expect(copyField("N")).toBe("N");
    expect(copyField("")).toBe("");
  });

  it("a closed vocabulary's value and a repeated value come back as one string, not a copy per row", () => {
    const batch = ["agent\tAmy", "customer\t\\N", "agent\tAmy", "bot\tAmy", "other\tBo"].join("\n");
    const vocabulary = ["customer", "agent", "bot"];
    const rows = parseCopyText(batch, new CopyLine(2), (l) => [
      l.oneOf(0, vocabulary),
      l.repeated(1),
    ]);
    expect(rows).toEqual([
      ["agent", "Amy"],
      ["customer", null],
      ["agent", "Amy"],
      ["bot", "Amy"],
      ["other", "Bo"],
    ]);
    // The vocabulary's own string, and the first row's name for its repeats (a substring of
    // the batch would be a new string each time).
    expect(rows[0]?.[0]).toBe(vocabulary[1]);
    const amy = rows[0]?.[1];
    expect([rows[2]?.[1], rows[3]?.[1]].every((name) => Object.is(name, amy))).toBe(true);
  });

  it("a repeat is text equal to the value before, not text that looks like it before escapes", () => {
    // `a\\b` is a, backslash, b; the next line's `a\b` is a and a backspace.
    const rows = parseCopyText("a\\\\b\na\\b\na\\b", new CopyLine(1), (l) => l.repeated(0));
    expect(rows).toEqual(["a\\b", "a\b", "a\b"]);
  });

  it("a line with fewer fields than the select's columns is refused, naming both counts", () => {
    expect(() => parseCopyText("a\tb\nc", new CopyLine(2), (l) => l.field(0))).toThrow(
      "a COPY row held 1 fields where 2 were expected",
    );
    expect(() => new CopyLine(0)).toThrow(RangeError);
  });

  test.prop([
    // fast-check 4 also draws Invalid Date unless told not to; this property is about real instants.
    fc.date({
      min: new Date("0000-01-01T00:00:00Z"),
      max: new Date("9999-12-31T23:59:59.999Z"),
      noInvalidDate: true,
    }),
    fc.integer({ min: 0, max: 999 }),
  ])(
    "the character-code reader agrees with JS's calendar for every 4-digit year, with and without microseconds",
    (at, micros) => {
      const iso = at.toISOString();
      const printed = `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
      expect(utcMillisAt(printed, 0, printed.length)).toBe(at.getTime() - at.getUTCMilliseconds());
      const fraction = `${printed}.${iso.slice(20, 23)}${String(micros).padStart(3, "0")}`;
      expect(utcMillisAt(fraction, 0, fraction.length)).toBe(at.getTime());
      // Inside a longer text, by offsets, as CopyLine.instant reads it.
      const framed = `x\t${fraction}\ty`;
      expect(utcMillisAt(framed, 2, 2 + fraction.length)).toBe(at.getTime());
      expect(utcMillisAt(framed, 1, 2 + fraction.length)).toBeNaN();
    },
  );

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
        fc.date({
          min: new Date(Date.UTC(-4000, 0, 1)),
          max: new Date(Date.UTC(20000, 0, 1)),
          noInvalidDate: true,
        }),
        fc.date({
          min: new Date(Date.UTC(1900, 0, 1)),
          max: new Date(Date.UTC(2100, 0, 1)),
          noInvalidDate: true,
        }),
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
