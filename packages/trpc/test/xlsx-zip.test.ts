import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import zlib from "node:zlib";
import type { XlsxPart } from "@customer-panel/core";
import { CFB } from "@e965/xlsx";
import { describe, expect, it } from "vitest";
import { zipParts } from "../src/xlsx-zip.js";

const collect = async (chunks: AsyncIterable<Buffer>): Promise<Buffer> => {
  const parts: Buffer[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  return Buffer.concat(parts);
};

/** A streamed part and a record of how far it was read and whether it was closed. */
const source = (chunks: readonly string[], failAt?: number) => {
  const state = { pulled: 0, closed: false };
  async function* xml(): AsyncGenerator<string> {
    try {
      for (const [i, chunk] of chunks.entries()) {
        if (i === failAt) throw new Error("the sheet failed");
        state.pulled++;
        yield chunk;
      }
    } finally {
      state.closed = true;
    }
  }
  return { state, xml: xml() };
};

// Text that hardly compresses, so deflate hands bytes out chunk by chunk.
const noisy = (n: number) =>
  Array.from({ length: n }, (_, i) => `<row>${i} ${randomBytes(24_000).toString("base64")}</row>`);

interface CentralEntry {
  readonly name: string;
  readonly flags: number;
  readonly method: number;
  readonly crc: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly offset: number;
}

/** The ZIP read by its own fields, from the end record back: every offset and size checked. */
const readZip = (zip: Buffer): Map<string, Buffer> => {
  const end = zip.length - 22;
  expect(zip.readUInt32LE(end)).toBe(0x06054b50);
  const count = zip.readUInt16LE(end + 10);
  const directorySize = zip.readUInt32LE(end + 12);
  const directoryOffset = zip.readUInt32LE(end + 16);
  expect(directoryOffset + directorySize).toBe(end);
  const entries: CentralEntry[] = [];
  let at = directoryOffset;
  for (let i = 0; i < count; i++) {
    expect(zip.readUInt32LE(at)).toBe(0x02014b50);
    const nameLength = zip.readUInt16LE(at + 28);
    const extra = zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    entries.push({
      flags: zip.readUInt16LE(at + 8),
      method: zip.readUInt16LE(at + 10),
      crc: zip.readUInt32LE(at + 16),
      compressedSize: zip.readUInt32LE(at + 20),
      size: zip.readUInt32LE(at + 24),
      offset: zip.readUInt32LE(at + 42),
      name: zip.toString("utf8", at + 46, at + 46 + nameLength),
    });
    at += 46 + nameLength + extra;
  }
  expect(at).toBe(end);
  const files = new Map<string, Buffer>();
  let expectedOffset = 0;
  for (const entry of entries) {
    // Entries follow each other with nothing between them.
    expect(entry.offset).toBe(expectedOffset);
    const local = entry.offset;
    expect(zip.readUInt32LE(local)).toBe(0x04034b50);
    expect(zip.readUInt16LE(local + 6)).toBe(entry.flags);
    expect(entry.flags & 0x0800).toBe(0x0800); // UTF-8 names
    expect(entry.method).toBe(8);
    const nameLength = zip.readUInt16LE(local + 26);
    expect(zip.toString("utf8", local + 30, local + 30 + nameLength)).toBe(entry.name);
    const dataAt = local + 30 + nameLength + zip.readUInt16LE(local + 28);
    const data = zip.subarray(dataAt, dataAt + entry.compressedSize);
    const content = zlib.inflateRawSync(data);
    expect(content.length).toBe(entry.size);
    expect(zlib.crc32(content)).toBe(entry.crc);
    let next = dataAt + entry.compressedSize;
    if (entry.flags & 0x0008) {
      // Streamed: zeros in the local header, the values in the descriptor after the data.
      expect(zip.readUInt32LE(local + 14)).toBe(0);
      expect(zip.readUInt32LE(next)).toBe(0x08074b50);
      expect(zip.readUInt32LE(next + 4)).toBe(entry.crc);
      expect(zip.readUInt32LE(next + 8)).toBe(entry.compressedSize);
      expect(zip.readUInt32LE(next + 12)).toBe(entry.size);
      next += 16;
    } else {
      expect(zip.readUInt32LE(local + 14)).toBe(entry.crc);
      expect(zip.readUInt32LE(local + 18)).toBe(entry.compressedSize);
      expect(zip.readUInt32LE(local + 22)).toBe(entry.size);
    }
    expectedOffset = next;
    files.set(entry.name, content);
  }
  expect(expectedOffset).toBe(directoryOffset);
  return files;
};

describe("zipWorkbook's ZIP (hand-written: local headers, data descriptor, central directory)", () => {
  const sheetChunks = [
    '<?xml version="1.0"?><worksheet>',
    ...noisy(40),
    "<row>補貨 🎉</row>".repeat(5000),
    "</worksheet>",
  ];
  const parts = (): XlsxPart[] => [
    { path: "[Content_Types].xml", xml: "<Types/>" },
    { path: "xl/名前.xml", xml: "<x>é</x>" },
    { path: "xl/worksheets/sheet1.xml", xml: source(sheetChunks).xml },
  ];
  const sheetText = sheetChunks.join("");

  it("every entry's offsets, sizes and CRC-32 agree; the contents are the parts' UTF-8", async () => {
    for (const level of [1, 6]) {
      const files = readZip(await collect(zipParts(parts(), { compressionLevel: level })));
      expect([...files.keys()]).toEqual([
        "[Content_Types].xml",
        "xl/名前.xml",
        "xl/worksheets/sheet1.xml",
      ]);
      expect(files.get("xl/名前.xml")?.toString("utf8")).toBe("<x>é</x>");
      expect(files.get("xl/worksheets/sheet1.xml")?.toString("utf8")).toBe(sheetText);
    }
  });

  it("an independent reader (SheetJS's ZIP reader) finds the same files", async () => {
    const container = CFB.read(await collect(zipParts(parts())), { type: "buffer" });
    const files = new Map(
      container.FullPaths.map((path: string, i: number) => [
        path.replace(/^Root Entry\//, ""),
        container.FileIndex[i]?.content,
      ]),
    );
    const text = (path: string) => Buffer.from(files.get(path) as Uint8Array).toString("utf8");
    expect(text("xl/worksheets/sheet1.xml")).toBe(sheetText);
    // (SheetJS reads names byte by byte, not as UTF-8: the non-ASCII one is not looked up here.)
    expect(text("[Content_Types].xml")).toBe("<Types/>");
  });

  // .ci/run installs Debian's unzip; a machine without it fails here rather than skip.
  it("Info-ZIP's unzip tests the archive (CRC-32 of every entry) without a warning", async () => {
    const dir = mkdtempSync(join(tmpdir(), "xlsx-zip-"));
    try {
      const file = join(dir, "book.xlsx");
      writeFileSync(file, await collect(zipParts(parts())));
      const report = execFileSync("unzip", ["-t", file], { encoding: "utf8" });
      expect(report).toContain("No errors detected");
      expect(
        execFileSync("unzip", ["-p", file, "xl/worksheets/sheet1.xml"], {
          maxBuffer: 64 * 1024 * 1024,
        }).toString("utf8"),
      ).toBe(sheetText);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("pulls the sheet only as compressed bytes are taken; stopping early closes the sheet", async () => {
    const sheet = source(noisy(200));
    const zip = zipParts([
      { path: "a.xml", xml: "<a/>" },
      { path: "sheet.xml", xml: sheet.xml },
    ]);
    // The fixed part (header and data), the sheet's local header, then its first deflated bytes.
    for (let i = 0; i < 4; i++) expect((await zip.next()).done).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 50));
    // One chunk in deflate, one read ahead: the rest waits for the consumer.
    expect(sheet.state.pulled).toBeLessThanOrEqual(4);
    const pulled = sheet.state.pulled;
    await zip.return(undefined);
    expect(sheet.state.closed).toBe(true);
    expect(sheet.state.pulled).toBe(pulled);
  });

  it("a sheet that fails fails the ZIP and is closed", async () => {
    const sheet = source(noisy(20), 5);
    await expect(collect(zipParts([{ path: "sheet.xml", xml: sheet.xml }]))).rejects.toThrow(
      "the sheet failed",
    );
    expect(sheet.state.closed).toBe(true);
  });

  it("an archive that would need ZIP64 is refused, not written wrong, and the sheet closed", async () => {
    const sheet = source(noisy(50));
    await expect(
      collect(zipParts([{ path: "sheet.xml", xml: sheet.xml }], {}, 500_000)),
    ).rejects.toThrow(RangeError);
    expect(sheet.state.closed).toBe(true);
    expect(sheet.state.pulled).toBeLessThan(50);
  });
});
