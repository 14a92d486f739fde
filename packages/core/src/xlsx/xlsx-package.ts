import type { Batches } from "../csv/csv-encoding.js";
import type { XlsxWorkbook } from "../domain/xlsx-workbook.js";
import { headerCell, type SharedStrings, SPREADSHEET_MAIN, XML_DECLARATION } from "./xlsx-cells.js";
import { xmlAttribute } from "./xml-text.js";

/** One column of an exported sheet: its header (the CSV's) and its width in characters. */
export interface XlsxColumn {
  readonly header: string;
  readonly width: number;
}

/** The media type of an XLSX file. */
export const XLSX_CONTENT_TYPE =
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/** Rows per chunk of sheet XML. */
const CHUNK_ROWS = 500;

const REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships";
const TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml";

const contentTypes = (shared: boolean) =>
  `${XML_DECLARATION}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="${TYPE}.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="${TYPE}.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="${TYPE}.styles+xml"/>${shared ? `<Override PartName="/xl/sharedStrings.xml" ContentType="${TYPE}.sharedStrings+xml"/>` : ""}</Types>`;

const ROOT_RELS = `${XML_DECLARATION}<Relationships xmlns="${PKG_REL}"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`;

const workbookRels = (shared: boolean) =>
  `${XML_DECLARATION}<Relationships xmlns="${PKG_REL}"><Relationship Id="rId1" Type="${REL}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="${REL}/styles" Target="styles.xml"/>${shared ? `<Relationship Id="rId3" Type="${REL}/sharedStrings" Target="sharedStrings.xml"/>` : ""}</Relationships>`;

// cellXfs in XLSX_STYLE's order: plain, bold header, date-time (numFmt 164).
const STYLES = `${XML_DECLARATION}<styleSheet xmlns="${SPREADSHEET_MAIN}"><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd hh:mm:ss"/></numFmts><fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font><font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>`;

/** Characters a sheet name may not hold, and its length limit (Excel's). */
const SHEET_NAME_FORBIDDEN = /[\\/?*[\]:]/g;
const SHEET_NAME_MAX = 31;

/** A sheet name Excel accepts: no `\ / ? * [ ] :`, at most 31 characters, not empty. */
export function safeSheetName(name: string): string {
  const cleaned = name.replace(SHEET_NAME_FORBIDDEN, " ").trim().slice(0, SHEET_NAME_MAX);
  return cleaned === "" ? "Sheet1" : cleaned;
}

const workbookXml = (sheetName: string) =>
  `${XML_DECLARATION}<workbook xmlns="${SPREADSHEET_MAIN}" xmlns:r="${REL}"><bookViews><workbookView/></bookViews><sheets><sheet name="${xmlAttribute(sheetName)}" sheetId="1" r:id="rId1"/></sheets></workbook>`;

// The header row is frozen (a pane split below row 1) and every column has its width.
const sheetHead = (columns: readonly XlsxColumn[]) => {
  const cols = columns
    .map((c, i) => `<col min="${i + 1}" max="${i + 1}" width="${c.width}" customWidth="1"/>`)
    .join("");
  const header = columns.map((c) => headerCell(c.header)).join("");
  return `${XML_DECLARATION}<worksheet xmlns="${SPREADSHEET_MAIN}" xmlns:r="${REL}"><sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft"/></sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/><cols>${cols}</cols><sheetData><row>${header}</row>`;
};

const SHEET_TAIL = "</sheetData></worksheet>";

/**
 * The sheet's XML, streamed: head (frozen pane, widths, bold header row), then a chunk per 500
 * rows of each batch — `toCells` writes one item's cells, each through xlsx-cells.ts — then the
 * tail. A batch is pulled only when the previous chunk was taken, as for the CSV (R4).
 */
export async function* encodeSheetXml<T>(
  columns: readonly XlsxColumn[],
  batches: Batches<T>,
  toCells: (item: T) => string,
): AsyncGenerator<string> {
  yield sheetHead(columns);
  for await (const batch of batches) {
    for (let from = 0; from < batch.length; from += CHUNK_ROWS) {
      const to = Math.min(batch.length, from + CHUNK_ROWS);
      const rows: string[] = new Array(to - from);
      for (let i = from; i < to; i++) rows[i - from] = `<row>${toCells(batch[i] as T)}</row>`;
      yield rows.join("");
    }
  }
  yield SHEET_TAIL;
}

/** The shared-string part's XML, taken only when the ZIP reaches it: after the sheet. */
async function* afterTheSheet(table: SharedStrings): AsyncGenerator<string> {
  yield table.xml();
}

/**
 * An XLSX workbook of one sheet named `sheetName` whose XML is `sheet` (see
 * {@link encodeSheetXml}); with `sharedStrings`, the table the sheet's cells refer to, written
 * as the last part (it is complete only once the sheet was streamed).
 */
export function xlsxWorkbook(
  sheetName: string,
  sheet: AsyncIterable<string>,
  sharedStrings?: SharedStrings,
): XlsxWorkbook {
  const name = safeSheetName(sheetName);
  const shared = sharedStrings !== undefined;
  return {
    sheetName: name,
    parts: [
      { path: "[Content_Types].xml", xml: contentTypes(shared) },
      { path: "_rels/.rels", xml: ROOT_RELS },
      { path: "xl/workbook.xml", xml: workbookXml(name) },
      { path: "xl/_rels/workbook.xml.rels", xml: workbookRels(shared) },
      { path: "xl/styles.xml", xml: STYLES },
      { path: "xl/worksheets/sheet1.xml", xml: sheet },
      ...(shared ? [{ path: "xl/sharedStrings.xml", xml: afterTheSheet(sharedStrings) }] : []),
    ],
  };
}
