import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import {
  type CsvCell,
  encodeCsvRows,
  encodeCsvStream,
  neutralizeFormula,
  UTF8_BOM,
} from "../../src/csv/csv-encoding.js";

async function collect(chunks: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const chunk of chunks) out.push(chunk);
  return out;
}

function parseCsv(text: string): string[][] {
  return parse(text, { bom: true, relax_column_count: true });
}

describe("R4 exports are UTF-8 CSV with a byte-order mark, so spreadsheets show Chinese text", () => {
  it("the stream starts with the BOM, then the header line", async () => {
    const chunks = await collect(encodeCsvStream(["a", "b"], [["1", "2"]]));
    expect(chunks[0]).toBe(`${UTF8_BOM}a,b\r\n`);
    expect(UTF8_BOM).toBe("\uFEFF");
  });

  it("the BOM is written once, however many batches follow", async () => {
    const rows = Array.from({ length: 7 }, (_, i) => [String(i)]);
    const text = (await collect(encodeCsvStream(["n"], rows, { batchSize: 2 }))).join("");
    expect(text.split(UTF8_BOM)).toHaveLength(2);
    expect(text.startsWith(UTF8_BOM)).toBe(true);
  });

  it("Chinese, Japanese and emoji text is written as is", () => {
    const text = "客戶資料 要再次貼上此標籤嗎？ 日本語 👩‍💻";
    expect(encodeCsvRows([[text]])).toBe(`${text}\r\n`);
  });

  it("lone surrogates, which have no UTF-8 form, become U+FFFD", () => {
    expect(encodeCsvRows([["a\uD800b", "\uDC00", "ok 😀"]])).toBe("a\uFFFDb,\uFFFD,ok 😀\r\n");
  });
});

describe("R4 exports use RFC 4180 quoting and CRLF line ends", () => {
  it.each([
    ["plain text is not quoted", "abc", "abc"],
    ["a comma is quoted", "a,b", '"a,b"'],
    ["a quote is quoted and doubled", 'say "hi"', '"say ""hi"""'],
    ["a lone LF is quoted", "a\nb", '"a\nb"'],
    ["a lone CR is quoted", "a\rb", '"a\rb"'],
    ["a CRLF is quoted", "a\r\nb", '"a\r\nb"'],
    ["an empty string is an empty field", "", ""],
    ["a space is kept", " a ", " a "],
  ])("%s", (_, cell, field) => {
    expect(encodeCsvRows([[cell, "x"]])).toBe(`${field},x\r\n`);
  });

  it("every record ends with CRLF, the last one too", () => {
    expect(encodeCsvRows([["a"], ["b"]])).toBe("a\r\nb\r\n");
  });

  it("null is an empty cell and numbers are written plainly", () => {
    expect(encodeCsvRows([[null, 0, 42, 1.5, "x"]])).toBe(",0,42,1.5,x\r\n");
  });

  it("no rows is no text", () => {
    expect(encodeCsvRows([])).toBe("");
  });

  it("a tricky row parses back with csv-parse to what was written", () => {
    const row = ['"', ",", "a\r\nb", "a\nb", "", "客戶", '""', "end"];
    expect(parseCsv(encodeCsvRows([row]))).toEqual([row]);
  });
});

describe("R4 exports are safe against spreadsheet formula injection", () => {
  it.each([
    ["=", "=1+2", "'=1+2"],
    ["= with quotes", '=1+2";=1+2', "'=1+2\";=1+2"],
    ["+", "+1", "'+1"],
    ["-", "-2+3", "'-2+3"],
    ["@", "@SUM(A1)", "'@SUM(A1)"],
    ["HYPERLINK", '=HYPERLINK("http://x","y")\nclick', '\'=HYPERLINK("http://x","y")\nclick'],
    ["DDE", "=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"],
    ["tab", "\t=1+1", "'\t=1+1"],
    ["CR", "\r=1+1", "'\r=1+1"],
    ["LF", "\n=1+1", "'\n=1+1"],
    ["NUL", "\0=1+1", "'\0=1+1"],
    ["full-width ＝", "＝1+1", "'＝1+1"],
    ["full-width ＋", "＋1", "'＋1"],
    ["full-width －", "－1", "'－1"],
    ["full-width ＠", "＠SUM(A1)", "'＠SUM(A1)"],
  ])("a cell starting with %s gets a leading apostrophe", (_, cell, neutral) => {
    expect(neutralizeFormula(cell)).toBe(neutral);
    expect(parseCsv(encodeCsvRows([[cell, "x"]]))).toEqual([[neutral, "x"]]);
  });

  it.each([
    ["plain text", "hello"],
    ["an inner =", "a=b"],
    ["an inner formula", "total: =SUM(A1)"],
    ["an apostrophe", "'quoted"],
    ["a space first", " =1"],
    ["Chinese", "客戶"],
    ["empty", ""],
  ])("a cell with %s is left alone", (_, cell) => {
    expect(neutralizeFormula(cell)).toBe(cell);
  });

  it("numbers are ours and are not neutralized", () => {
    expect(encodeCsvRows([[-1, 3]])).toBe("-1,3\r\n");
  });

  it("the header is neutralized like any cell", async () => {
    const [head] = await collect(encodeCsvStream(["=x", "y"], []));
    expect(head).toBe(`${UTF8_BOM}'=x,y\r\n`);
  });
});

describe("R4 exports are streamed: memory does not grow with the number of rows", () => {
  const ROWS = 100_000;

  function countingSource(limit: number) {
    const state = { produced: 0, closed: false };
    async function* rows(): AsyncGenerator<readonly CsvCell[]> {
      try {
        for (let i = 0; i < limit; i++) {
          state.produced++;
          yield [i, `row ${i}`];
        }
      } finally {
        state.closed = true;
      }
    }
    return { state, rows: rows() };
  }

  it("after the header and one batch, the source has produced at most one batch of rows", async () => {
    const { state, rows } = countingSource(ROWS);
    const stream = encodeCsvStream(["n", "text"], rows);
    const header = await stream.next();
    expect(header.value).toBe(`${UTF8_BOM}n,text\r\n`);
    expect(state.produced).toBe(0);
    const firstBatch = await stream.next();
    expect(state.produced).toBeLessThanOrEqual(500);
    expect(parseCsv(firstBatch.value as string)).toHaveLength(500);
    await stream.return(undefined);
    expect(state.closed).toBe(true);
    expect(state.produced).toBeLessThanOrEqual(500);
  });

  it("all 100,000 rows arrive, in order, in chunks of the batch size", async () => {
    const { state, rows } = countingSource(ROWS);
    let chunks = 0;
    let largestChunk = 0;
    let lines = 0;
    let last = "";
    for await (const chunk of encodeCsvStream(["n", "text"], rows, { batchSize: 1000 })) {
      chunks++;
      largestChunk = Math.max(largestChunk, chunk.length);
      lines += chunk.split("\r\n").length - 1;
      last = chunk;
    }
    expect(state.produced).toBe(ROWS);
    expect(chunks).toBe(1 + ROWS / 1000);
    expect(lines).toBe(1 + ROWS);
    expect(largestChunk).toBeLessThan(1000 * 20);
    expect(last.endsWith(`${ROWS - 1},row ${ROWS - 1}\r\n`)).toBe(true);
  });

  it("a sync iterable works too, and a short last batch is flushed", async () => {
    const chunks = await collect(encodeCsvStream(["n"], [[1], [2], [3]], { batchSize: 2 }));
    expect(chunks).toEqual([`${UTF8_BOM}n\r\n`, "1\r\n2\r\n", "3\r\n"]);
  });

  it("no rows is the header alone", async () => {
    expect(await collect(encodeCsvStream(["n"], []))).toEqual([`${UTF8_BOM}n\r\n`]);
  });

  it.each([0, -1, 1.5, Number.NaN])("a batch size of %d is refused", async (batchSize) => {
    await expect(collect(encodeCsvStream(["n"], [], { batchSize }))).rejects.toThrow(RangeError);
  });
});
