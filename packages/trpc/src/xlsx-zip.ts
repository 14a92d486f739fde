import zlib from "node:zlib";
import type { XlsxPart, XlsxWorkbook } from "@customer-panel/core";

/** Options of {@link zipWorkbook}. */
export interface ZipWorkbookOptions {
  /**
   * zlib's deflate level, 1 (fastest) to 9 (smallest); default 3: nearly level 1's speed, files
   * 13 % larger than level 6's (docs/decisions.md, issue 20).
   */
  readonly compressionLevel?: number;
  /** The entries' modification time (default now). */
  readonly modifiedAt?: Date;
}

const LOCAL_HEADER = 0x04034b50;
const DATA_DESCRIPTOR = 0x08074b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
/** Version 2.0: deflate, data descriptors. */
const VERSION = 20;
/** Made by: UNIX (3), version 2.0 — so that the external attributes are a file mode. */
const MADE_BY = (3 << 8) | VERSION;
/** A regular file, rw-r--r--, in the external attributes' high half. */
const FILE_MODE = 0o100644 * 0x10000;
/** General purpose flags: bit 3 (sizes and CRC in a data descriptor), bit 11 (UTF-8 names). */
const FLAG_DATA_DESCRIPTOR = 0x0008;
const FLAG_UTF8 = 0x0800;
const DEFLATE = 8;
/** The deflate level unless told: see {@link ZipWorkbookOptions.compressionLevel}. */
const DEFAULT_LEVEL = 3;

/**
 * The largest size or offset a ZIP without ZIP64 records. An XLSX sheet holds at most 1 048 576
 * rows, far below it in practice; an archive that would pass it is refused, not written wrong.
 */
export const ZIP32_LIMIT = 0xffffffff;

/** What the central directory needs of each entry. */
interface Entry {
  readonly name: Buffer;
  readonly flags: number;
  readonly crc: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly offset: number;
}

/** MS-DOS time and date (local time, two-second resolution), as ZIP headers hold them. */
function dosDateTime(date: Date): { readonly time: number; readonly date: number } {
  const year = Math.min(Math.max(date.getFullYear(), 1980), 2107);
  return {
    time: (date.getHours() << 11) | (date.getMinutes() << 5) | (date.getSeconds() >> 1),
    date: ((year - 1980) << 9) | ((date.getMonth() + 1) << 5) | date.getDate(),
  };
}

function localHeader(
  name: Buffer,
  flags: number,
  stamp: ReturnType<typeof dosDateTime>,
  known?: { readonly crc: number; readonly compressedSize: number; readonly size: number },
): Buffer {
  const header = Buffer.alloc(30 + name.length);
  header.writeUInt32LE(LOCAL_HEADER, 0);
  header.writeUInt16LE(VERSION, 4);
  header.writeUInt16LE(flags, 6);
  header.writeUInt16LE(DEFLATE, 8);
  header.writeUInt16LE(stamp.time, 10);
  header.writeUInt16LE(stamp.date, 12);
  // With a data descriptor, CRC and sizes are zero here.
  header.writeUInt32LE(known?.crc ?? 0, 14);
  header.writeUInt32LE(known?.compressedSize ?? 0, 18);
  header.writeUInt32LE(known?.size ?? 0, 22);
  header.writeUInt16LE(name.length, 26);
  header.writeUInt16LE(0, 28);
  name.copy(header, 30);
  return header;
}

function dataDescriptor(entry: Entry): Buffer {
  const descriptor = Buffer.alloc(16);
  descriptor.writeUInt32LE(DATA_DESCRIPTOR, 0);
  descriptor.writeUInt32LE(entry.crc, 4);
  descriptor.writeUInt32LE(entry.compressedSize, 8);
  descriptor.writeUInt32LE(entry.size, 12);
  return descriptor;
}

function centralDirectory(
  entries: readonly Entry[],
  stamp: ReturnType<typeof dosDateTime>,
  offset: number,
): Buffer {
  const headers = entries.map((entry) => {
    const header = Buffer.alloc(46 + entry.name.length);
    header.writeUInt32LE(CENTRAL_HEADER, 0);
    header.writeUInt16LE(MADE_BY, 4);
    header.writeUInt16LE(VERSION, 6);
    header.writeUInt16LE(entry.flags, 8);
    header.writeUInt16LE(DEFLATE, 10);
    header.writeUInt16LE(stamp.time, 12);
    header.writeUInt16LE(stamp.date, 14);
    header.writeUInt32LE(entry.crc, 16);
    header.writeUInt32LE(entry.compressedSize, 20);
    header.writeUInt32LE(entry.size, 24);
    header.writeUInt16LE(entry.name.length, 28);
    // Extra field, comment, disk number, internal attributes: none, zero.
    header.writeUInt32LE(FILE_MODE, 38);
    header.writeUInt32LE(entry.offset, 42);
    entry.name.copy(header, 46);
    return header;
  });
  const size = headers.reduce((sum, header) => sum + header.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(END_OF_CENTRAL_DIRECTORY, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(size, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...headers, end]);
}

const tooLarge = () =>
  new RangeError(
    "XLSX export too large: the ZIP would pass 4 GiB, which needs ZIP64 (not written)",
  );

/**
 * A streamed part deflated as it is pulled: each UTF-8 chunk's CRC-32 is taken on the main
 * thread (Node's native `zlib.crc32`) while the previous chunk deflates on libuv's pool; the
 * next chunk is pulled only when the compressed bytes of the one before were taken.
 */
async function* deflateStream(
  xml: AsyncIterable<string>,
  level: number,
  totals: { crc: number; compressedSize: number; size: number },
  limit: number,
): AsyncGenerator<Buffer> {
  const deflate = zlib.createDeflateRaw({ level });
  const out: Buffer[] = [];
  deflate.on("data", (chunk: Buffer) => {
    totals.compressedSize += chunk.length;
    out.push(chunk);
  });
  let failure: Error | undefined;
  deflate.on("error", (error: Error) => {
    failure = error;
  });
  const write = (bytes: Buffer) =>
    new Promise<void>((resolve, reject) => {
      deflate.write(bytes, (error) => (error ? reject(error) : resolve()));
    });
  const taken = function* () {
    if (failure !== undefined) throw failure;
    if (totals.size > limit || totals.compressedSize > limit) throw tooLarge();
    yield* out.splice(0);
  };
  try {
    let inFlight: Promise<void> | undefined;
    for await (const text of xml) {
      const bytes = Buffer.from(text, "utf8");
      totals.crc = zlib.crc32(bytes, totals.crc);
      totals.size += bytes.length;
      if (inFlight !== undefined) {
        await inFlight;
        yield* taken();
      }
      inFlight = write(bytes);
    }
    if (inFlight !== undefined) await inFlight;
    await new Promise<void>((resolve, reject) => {
      deflate.once("end", resolve);
      deflate.once("error", reject);
      deflate.end();
    });
    yield* taken();
  } finally {
    deflate.destroy();
  }
}

/**
 * The ZIP of `parts`, streamed (see {@link zipWorkbook}); `limit` is {@link ZIP32_LIMIT} but for
 * tests.
 */
export async function* zipParts(
  parts: readonly XlsxPart[],
  options: ZipWorkbookOptions = {},
  limit = ZIP32_LIMIT,
): AsyncGenerator<Buffer> {
  const level = options.compressionLevel ?? DEFAULT_LEVEL;
  const stamp = dosDateTime(options.modifiedAt ?? new Date());
  const entries: Entry[] = [];
  let offset = 0;
  for (const part of parts) {
    const name = Buffer.from(part.path, "utf8");
    const { xml } = part;
    if (offset > limit) throw tooLarge();
    if (typeof xml === "string") {
      // A fixed part: small, so deflated at once, its CRC and sizes in the local header.
      const bytes = Buffer.from(xml, "utf8");
      const compressed = zlib.deflateRawSync(bytes, { level });
      const entry: Entry = {
        name,
        flags: FLAG_UTF8,
        crc: zlib.crc32(bytes),
        compressedSize: compressed.length,
        size: bytes.length,
        offset,
      };
      const header = localHeader(name, entry.flags, stamp, entry);
      entries.push(entry);
      offset += header.length + compressed.length;
      yield header;
      yield compressed;
      continue;
    }
    const flags = FLAG_DATA_DESCRIPTOR | FLAG_UTF8;
    const header = localHeader(name, flags, stamp);
    yield header;
    const totals = { crc: 0, compressedSize: 0, size: 0 };
    yield* deflateStream(xml, level, totals, limit);
    const entry: Entry = { name, flags, ...totals, offset };
    if (offset + header.length + totals.compressedSize > limit) throw tooLarge();
    entries.push(entry);
    offset += header.length + totals.compressedSize;
    const descriptor = dataDescriptor(entry);
    offset += descriptor.length;
    yield descriptor;
  }
  if (offset > limit) throw tooLarge();
  yield centralDirectory(entries, stamp, offset);
}

/**
 * Zips core's workbook parts into an XLSX file, streamed, with Node's zlib (deflate) and its
 * native CRC-32: the fixed parts first, then the sheet as one entry of unknown size (a data
 * descriptor after it, so nothing is buffered to learn its size), then the central directory.
 * The sheet's XML is pulled from core only as the compressed bytes are taken, so backpressure
 * reaches the database as for the CSV. A consumer that stops early, or a sheet that fails,
 * destroys the deflate stream and closes the sheet's source (its database connection). An
 * archive that would pass 4 GiB (ZIP64) is refused with a `RangeError`.
 */
export function zipWorkbook(
  workbook: XlsxWorkbook,
  options: ZipWorkbookOptions = {},
): AsyncGenerator<Buffer> {
  return zipParts(workbook.parts, options);
}
