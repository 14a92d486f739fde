import { fc, test } from "@fast-check/vitest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CopyLine,
  copyField,
  instantOfEpochText,
  instantSql,
  parseCopyText,
} from "../src/row-export/copy-text.js";
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
    const read = (l: CopyLine) => Array.from({ length: columns }, (_, i) => l.text(i));
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
    expect(() => parseCopyText("a\tb\nc", new CopyLine(2), (l) => l.text(0))).toThrow(
      "a COPY row held 1 fields where 2 were expected",
    );
    expect(() => new CopyLine(0)).toThrow(RangeError);
  });

  it.each([
    ["1751199201", "2025-06-29T12:13:21.000Z"],
    ["1751199201.1", "2025-06-29T12:13:21.100Z"],
    ["1751199201.999", "2025-06-29T12:13:21.999Z"],
    ["-0.001", "1969-12-31T23:59:59.999Z"],
    ["-62135596800", "0001-01-01T00:00:00.000Z"],
    ["327403479845.006", "+012345-01-02T03:04:05.006Z"],
  ])("an instant as the server sends it: %s seconds is %s", (printed, iso) => {
    expect(instantOfEpochText(printed).toISOString()).toBe(iso);
  });

  it("infinity is an invalid Date, as the driver reads it; text that is not a number is refused", () => {
    expect(Number.isNaN(instantOfEpochText("Infinity").getTime())).toBe(true);
    expect(Number.isNaN(instantOfEpochText("-Infinity").getTime())).toBe(true);
    expect(() => instantOfEpochText("2025-06-29 12:13:21")).toThrow(/not epoch seconds/);
    expect(() => instantOfEpochText("")).toThrow(/not epoch seconds/);
  });
});

/** The rows of a raw `db.execute`: an array on PGlite, `{ rows }` from node-postgres. */
const rowsOf = <Row>(result: unknown): Row[] =>
  (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as Row[];

describe.each(engines)("export instants on $name", (engine) => {
  let handle: EngineHandle;
  beforeAll(async () => {
    handle = await engine.open();
  });
  afterAll(async () => handle?.dispose());

  it("any instant PostgreSQL and JS share comes back from instantSql's text exactly, to the millisecond", async () => {
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
      const built = sql.raw(
        `(timestamptz 'epoch' + make_interval(days => ${days}) + interval '${t - days * DAY} milliseconds')`,
      );
      // The same text COPY writes (float8's output), with and without microseconds.
      const result = await db.execute(
        sql`select (${instantSql(built)})::text as v, (${instantSql(sql`${built} + interval '999 microseconds'`)})::text as w`,
      );
      const rows = rowsOf<{
        v: string;
        w: string;
      }>(result);
      expect(instantOfEpochText(rows[0]?.v ?? "").getTime()).toBe(t);
      expect(instantOfEpochText(rows[0]?.w ?? "").getTime()).toBe(t);
    }
  });
});
