import { describe, expect, it } from "vitest";
import type { TranscriptMessage } from "../../src/domain/report-rows.js";
import type { XlsxWorkbook } from "../../src/domain/xlsx-workbook.js";
import { encodeTagStatsXlsx } from "../../src/xlsx/tag-report-xlsx.js";
import { encodeTranscriptXlsx } from "../../src/xlsx/transcript-xlsx.js";
import {
  dateTimeCells,
  dateTimeSerial,
  SharedStrings,
  stringCell,
} from "../../src/xlsx/xlsx-cells.js";
import { safeSheetName } from "../../src/xlsx/xlsx-package.js";
import { xmlText } from "../../src/xlsx/xml-text.js";

const partXml = async (workbook: XlsxWorkbook, path: string): Promise<string> => {
  const part = workbook.parts.find((p) => p.path === path)?.xml;
  if (part === undefined) throw new Error(`no ${path}`);
  if (typeof part === "string") return part;
  let xml = "";
  for await (const chunk of part) xml += chunk;
  return xml;
};

const sheetXml = (workbook: XlsxWorkbook): Promise<string> =>
  partXml(workbook, "xl/worksheets/sheet1.xml");

describe("XLSX text", () => {
  it("escapes markup, writes CR as a reference, and escapes a literal _xHHHH_ of either case", () => {
    expect(xmlText("a&b<c>d")).toBe("a&amp;b&lt;c&gt;d");
    expect(xmlText("cr\r\nlf")).toBe("cr&#13;\nlf");
    expect(xmlText("_x0041_ _X00e9_ _x12_")).toBe("_x005F_x0041_ _x005F_X00e9_ _x12_");
  });

  it("what XML 1.0 can not carry becomes U+FFFD: forbidden controls, U+FFFE/U+FFFF, lone surrogates", () => {
    expect(xmlText("a\0b\u0001c\u001Fd\uFFFEe\uD800f")).toBe(
      "a\uFFFDb\uFFFDc\uFFFDd\uFFFDe\uFFFDf",
    );
    expect(xmlText("tab\tlf\n👍")).toBe("tab\tlf\n👍");
  });

  it("keeps leading and trailing white space with xml:space", () => {
    expect(stringCell("  x ")).toBe(
      '<c t="inlineStr"><is><t xml:space="preserve">  x </t></is></c>',
    );
    expect(stringCell("=1+1")).toBe('<c t="inlineStr"><is><t>=1+1</t></is></c>');
    expect(stringCell(null)).toBe("<c/>");
  });
});

describe("XLSX cells and sheet", () => {
  it("a date-time is the wall clock's serial (days since 1899-12-30); before 1900-03-01 it is text", () => {
    expect(dateTimeSerial(Date.UTC(2026, 10, 1, 1, 30))).toBe(46327.0625);
    expect(dateTimeSerial(Date.UTC(1900, 2, 1))).toBe(61);
    expect(dateTimeSerial(Date.UTC(1900, 1, 28))).toBeNull();
    expect(dateTimeCells()(Date.UTC(1899, 0, 1), () => "1899-01-01 00:00:00")).toBe(
      '<c t="inlineStr"><is><t>1899-01-01 00:00:00</t></is></c>',
    );
  });

  it("sheet names drop what Excel refuses and keep to 31 characters", () => {
    expect(safeSheetName("a/b:c[d]?*\\e")).toBe("a b c d    e");
    expect(safeSheetName("x".repeat(40))).toHaveLength(31);
    expect(safeSheetName(" ")).toBe("Sheet1");
  });

  it("X5 the transcript: bold frozen header, widths, the fall-back's two 01:30 with their offsets", async () => {
    const messages: TranscriptMessage[] = [
      {
        sentAt: new Date("2026-11-01T05:30:00Z"),
        sender: "agent",
        agentName: "小美",
        content: "=1",
      },
      {
        sentAt: new Date("2026-11-01T06:30:00Z"),
        sender: "customer",
        agentName: "x",
        content: "b",
      },
    ];
    const workbook = encodeTranscriptXlsx([messages], "America/New_York");
    expect(workbook.sheetName).toBe("Conversation transcript");
    const xml = await sheetXml(workbook);
    expect(xml).toContain(
      '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>',
    );
    expect(xml).toContain('<col min="4" max="4" width="80" customWidth="1"/>');
    expect(xml).toContain('<c t="inlineStr" s="1"><is><t>time</t></is></c>');
    const rows = xml.split("<row>").slice(2);
    // Sender, name and offset refer to the shared-string table; the message is an inline string.
    expect(rows[0]).toBe(
      '<c s="2"><v>46327.0625</v></c><c t="s"><v>0</v></c><c t="s"><v>1</v></c><c t="inlineStr"><is><t>=1</t></is></c><c t="s"><v>2</v></c></row>',
    );
    // The customer's row names no member; same wall time, the other offset.
    expect(rows[1]).toBe(
      '<c s="2"><v>46327.0625</v></c><c t="s"><v>3</v></c><c/><c t="inlineStr"><is><t>b</t></is></c><c t="s"><v>4</v></c></row></sheetData></worksheet>',
    );
    expect(await partXml(workbook, "xl/sharedStrings.xml")).toContain(
      'uniqueCount="5"><si><t>agent</t></si><si><t>小美</t></si><si><t>-04:00</t></si><si><t>customer</t></si><si><t>-05:00</t></si></sst>',
    );
  });

  it("the shared-string table is the last part, listed in the content types and the workbook's relationships", () => {
    const workbook = encodeTranscriptXlsx([[]], "Asia/Taipei");
    expect(workbook.parts.map((p) => p.path)).toEqual([
      "[Content_Types].xml",
      "_rels/.rels",
      "xl/workbook.xml",
      "xl/_rels/workbook.xml.rels",
      "xl/styles.xml",
      "xl/worksheets/sheet1.xml",
      "xl/sharedStrings.xml",
    ]);
    const types = workbook.parts[0]?.xml;
    expect(types).toContain(
      '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>',
    );
    expect(workbook.parts[3]?.xml).toContain(
      'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>',
    );
    // Statistics have no repeating column: no table, no entry for one.
    const stats = encodeTagStatsXlsx([]);
    expect(stats.parts.map((p) => p.path)).not.toContain("xl/sharedStrings.xml");
    expect(stats.parts[0]?.xml).not.toContain("sharedStrings");
    expect(stats.parts[3]?.xml).not.toContain("sharedStrings");
  });

  it("the table is bounded per column: past its limit a column's new values are inline strings, escaped alike", () => {
    const table = new SharedStrings();
    const a = table.column(2);
    const b = table.column(2);
    expect([a("x"), a("<y>"), a("z"), a("x"), a(null)]).toEqual([
      '<c t="s"><v>0</v></c>',
      '<c t="s"><v>1</v></c>',
      '<c t="inlineStr"><is><t>z</t></is></c>',
      '<c t="s"><v>0</v></c>',
      "<c/>",
    ]);
    // A value another column already put in the table is referred to, not added again.
    expect([b("x"), b(" =1 "), b("w"), b("v")]).toEqual([
      '<c t="s"><v>0</v></c>',
      '<c t="s"><v>2</v></c>',
      '<c t="s"><v>3</v></c>',
      '<c t="inlineStr"><is><t>v</t></is></c>',
    ]);
    expect(table.size).toBe(4);
    expect(table.xml()).toContain(
      'uniqueCount="4"><si><t>x</t></si><si><t>&lt;y&gt;</t></si><si><t xml:space="preserve"> =1 </t></si><si><t>w</t></si></sst>',
    );
  });

  it("R2 statistics: counts are number cells", async () => {
    const xml = await sheetXml(
      encodeTagStatsXlsx([{ tagName: "VIP", applications: 3, customers: 2 }]),
    );
    expect(xml).toContain(
      '<row><c t="inlineStr"><is><t>VIP</t></is></c><c><v>3</v></c><c><v>2</v></c></row>',
    );
  });

  it("nothing is read until the sheet is iterated", () => {
    let pulled = false;
    async function* source() {
      pulled = true;
      yield [];
    }
    encodeTranscriptXlsx(source(), "Asia/Taipei");
    expect(pulled).toBe(false);
  });
});
