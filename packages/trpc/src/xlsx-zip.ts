import { Readable } from "node:stream";
import type { XlsxWorkbook } from "@customer-panel/core";
import yazl from "yazl";

/** Options of {@link zipWorkbook}. */
export interface ZipWorkbookOptions {
  /** zlib's deflate level, 1 (fastest) to 9 (smallest); default 6. */
  readonly compressionLevel?: number;
  /** The entries' modification time (default now). */
  readonly modifiedAt?: Date;
}

async function* utf8(chunks: AsyncIterable<string>): AsyncGenerator<Buffer> {
  for await (const chunk of chunks) yield Buffer.from(chunk, "utf8");
}

/**
 * Zips core's workbook parts into an XLSX file, streamed: yazl writes each entry in turn with
 * Node's zlib (a data descriptor after a streamed entry, so nothing is buffered to learn its
 * size), and the sheet's XML is pulled from core only as the compressed bytes are taken, so
 * backpressure reaches the database as for the CSV. A consumer that stops early, or a sheet
 * that fails, destroys the ZIP and closes the sheet's source (its database connection).
 */
export async function* zipWorkbook(
  workbook: XlsxWorkbook,
  options: ZipWorkbookOptions = {},
): AsyncGenerator<Buffer> {
  const zip = new yazl.ZipFile();
  const entry = {
    compressionLevel: options.compressionLevel ?? 6,
    mtime: options.modifiedAt ?? new Date(),
  };
  // yazl's outputStream is a PassThrough; its types say only NodeJS.ReadableStream.
  const output = zip.outputStream as Readable;
  const sources: Readable[] = [];
  zip.on("error", (error: Error) => output.destroy(error));
  for (const part of workbook.parts) {
    const { xml } = part;
    if (typeof xml === "string") {
      zip.addBuffer(Buffer.from(xml, "utf8"), part.path, entry);
      continue;
    }
    // Created when yazl reaches the entry: nothing is read before the earlier parts are out.
    zip.addReadStreamLazy(part.path, entry, (give) => {
      const source = Readable.from(utf8(xml));
      sources.push(source);
      source.once("error", (error) => output.destroy(error));
      give(null, source);
    });
  }
  zip.end();
  try {
    for await (const chunk of output) yield chunk as Buffer;
  } finally {
    for (const source of sources) source.destroy();
    output.destroy();
  }
}
