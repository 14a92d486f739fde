import { fc, test } from "@fast-check/vitest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  copyField,
  copySelectText,
  inlineParams,
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
    expect(parseCopyText(copied)).toEqual(rows);
  });

  it("reads the whole text-format grammar: octal, hex and any other escaped character", () => {
    expect(copyField("\\101\\x42\\q\\\\N")).toBe("ABq\\N");
    expect(copyField("\\N")).toBeNull();
    expect(copyField("N")).toBe("N");
    expect(copyField("")).toBe("");
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
      const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as {
        v: string;
      }[];
      expect(rows[0]?.v).toBe(value);
    }
  });
});
