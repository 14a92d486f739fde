import { fc, test } from "@fast-check/vitest";
import { parse } from "csv-parse/sync";
import { describe, expect } from "vitest";
import {
  encodeCsvField,
  encodeCsvRows,
  encodeCsvStream,
  neutralizeFormula,
  repeatingCells,
} from "../../src/csv/csv-encoding.js";

// The prefixes a spreadsheet may run as a formula (R4).
const DANGEROUS = ["=", "+", "-", "@", "\t", "\r", "\n", "\0", "＝", "＋", "－", "＠"];
const startsDangerously = (s: string) => DANGEROUS.some((p) => s.startsWith(p));

// Pieces that stress quoting, formulas and UTF-8 at once.
const tricky = fc.constantFrom(
  ...DANGEROUS,
  '"',
  '""',
  ",",
  "\r\n",
  "'",
  "客戶",
  "標籤",
  "日本語",
  "👩‍💻",
  "🇹🇼",
  "e\u0301",
  "\uFEFF",
  "\uD800",
  "\uDC00",
  "=HYPERLINK(",
  "SUM(A1)",
);

const cell = fc.oneof(
  fc.string({ unit: "grapheme" }),
  fc.string({ unit: "binary" }),
  fc.string({ unit: "binary-ascii" }),
  // Any UTF-16 code unit, lone surrogates included.
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((u) => String.fromCharCode(u)) }),
  fc.string({
    unit: fc.oneof(tricky, fc.string({ unit: "grapheme", maxLength: 2 })),
    maxLength: 12,
  }),
);

const rows = fc.integer({ min: 1, max: 5 }).chain((width) =>
  fc.array(fc.array(cell, { minLength: width, maxLength: width }), {
    minLength: 1,
    maxLength: 20,
  }),
);

/** What a UTF-8 reader sees: Node's encoder turns each lone surrogate into U+FFFD. */
const throughUtf8 = (s: string) => Buffer.from(s, "utf8").toString("utf8");

async function encodeFile(header: string[], data: string[][]): Promise<string> {
  let out = "";
  for await (const chunk of encodeCsvStream(header, data, { batchSize: 3 })) out += chunk;
  return out;
}

describe("R4 exports use RFC 4180 quoting, are valid UTF-8 and safe against formula injection", () => {
  test.prop([rows])("any text parses back to its neutralized self, row for row", async (data) => {
    const header = ["c0", "c1", "c2", "c3", "c4"].slice(0, data[0]?.length ?? 1);
    const text = await encodeFile(header, data);
    // The encoder's own output has no lone surrogate: UTF-8 bytes decode back to the same text.
    expect(
      new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(Buffer.from(text, "utf8")),
    ).toBe(text);
    const parsed: string[][] = parse(Buffer.from(text, "utf8"), { bom: true });
    expect(parsed).toHaveLength(data.length + 1);
    expect(parsed.slice(1)).toEqual(
      data.map((row) => row.map((c) => throughUtf8(neutralizeFormula(c)))),
    );
  });

  test.prop([rows])(
    "no parsed field starts with a formula prefix; dangerous ones start with '",
    (data) => {
      const parsed: string[][] = parse(encodeCsvRows(data), { bom: false });
      parsed.forEach((row, r) => {
        row.forEach((field, c) => {
          expect(startsDangerously(field)).toBe(false);
          if (startsDangerously(data[r]?.[c] ?? "")) expect(field.startsWith("'")).toBe(true);
        });
      });
    },
  );

  test.prop([fc.array(fc.integer({ min: 0, max: 2 ** 31 }), { minLength: 1, maxLength: 10 })])(
    "counts are written plainly and read back as the same numbers",
    (counts) => {
      const parsed: string[][] = parse(encodeCsvRows([counts]));
      expect(parsed).toEqual([counts.map(String)]);
    },
  );

  test.prop([
    fc.array(fc.option(cell, { nil: null }), { maxLength: 40 }),
    fc.integer({ min: 0, max: 8 }),
  ])(
    "a remembered cell is the cell encodeCsvField writes, for any value, repeated or not, below or past the limit",
    (values, limit) => {
      const remembered = repeatingCells(limit);
      // Each value twice in a row and once more at the end: hits, misses and a full cache.
      for (const value of [...values.flatMap((v) => [v, v]), ...values]) {
        expect(remembered(value)).toBe(encodeCsvField(value));
      }
    },
  );
});
