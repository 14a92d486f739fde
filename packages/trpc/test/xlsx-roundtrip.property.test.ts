import { encodeTranscriptXlsx, type TranscriptMessage } from "@customer-panel/core/adapter";
import { read, utils } from "@e965/xlsx";
import { fc, test } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import { zipWorkbook } from "../src/xlsx-zip.js";

// What the XLSX can not carry becomes U+FFFD (docs/decisions.md, issue 20): lone surrogates (as
// in the CSV) and the control characters XML 1.0 forbids. Everything else is written exactly
// (a CR as `&#13;`); readers show a cell's CR LF as one line break, LF (SheetJS on purpose, as
// LibreOffice does), and keep a lone CR.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const XML_ILLEGAL = /[\0-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const carried = (text: string) =>
  text.replace(LONE_SURROGATE, "\uFFFD").replace(XML_ILLEGAL, "\uFFFD").replace(/\r\n/g, "\n");

const tricky = fc.constantFrom(
  "_x0041_",
  "_X00e9_",
  "_x005F_",
  "&amp;",
  "<t>",
  "]]>",
  "\r\n",
  "\r",
  " ",
  "\t",
  "=",
  "'",
  '"',
  "\0",
  "\uFFFF",
  "\uD800",
  "補貨",
  "👨‍👩‍👧",
);

const text = fc.oneof(
  fc.string({ unit: "grapheme" }),
  fc.string({ unit: "binary" }),
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((u) => String.fromCharCode(u)) }),
  fc.string({ unit: fc.oneof(tricky, fc.string({ unit: "grapheme", maxLength: 2 })) }),
);

const zipped = async (messages: readonly TranscriptMessage[]): Promise<Buffer> => {
  const parts: Buffer[] = [];
  for await (const part of zipWorkbook(encodeTranscriptXlsx([messages], "Asia/Taipei"))) {
    parts.push(part);
  }
  return Buffer.concat(parts);
};

describe("XLSX strings read back by an independent reader (SheetJS)", () => {
  test.prop([fc.array(fc.tuple(text, text), { minLength: 1, maxLength: 20 })])(
    "any message text and agent name survive writing, zipping and reading",
    async (pairs) => {
      const messages = pairs.map(
        ([content, agentName], i): TranscriptMessage => ({
          sentAt: new Date(Date.UTC(2026, 10, 1, 0, 0, i)),
          sender: "agent",
          agentName,
          content,
        }),
      );
      const book = read(await zipped(messages), { type: "buffer" });
      const sheet = book.Sheets[book.SheetNames[0] ?? ""];
      if (sheet === undefined) throw new Error("no sheet");
      const rows = utils.sheet_to_json<unknown[]>(sheet, { header: 1, raw: true, defval: "" });
      expect(rows.slice(1).map((row) => [row[3], row[2]])).toEqual(
        pairs.map(([content, name]) => [carried(content), carried(name)]),
      );
    },
  );
});
