import type { PGlite } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
import { copySelectOf, settingsSql } from "./copy-export.js";
import { CopyLine, parseCopyText } from "./copy-text.js";
import type { RowExport, RowExportSpec } from "./row-export.js";

/**
 * The row export on PGlite: keyset batches, each one `COPY (<select> … LIMIT n) TO
 * '/dev/blob'` read as PostgreSQL's text format by the server path's own reader
 * (copy-text.ts).
 *
 * Why not SELECT batches: PGlite answers a query in the wire protocol, and its JavaScript
 * parser makes an object per row and a string per field; a 30-day records export spent most
 * of its time there (issue 19: 5.85× PGlite's own COPY of the same rows). COPY hands the
 * whole batch over as one blob of text, and the reader cuts it without a string per field.
 *
 * Why batches and not one COPY: PGlite has no stream to COPY to; `/dev/blob` is one buffer in
 * memory. A batch bounds it (memory stays flat in the row count, R4), and the cursor (the key
 * of the batch's last row, in PostgreSQL's own text: a JS Date would drop microseconds) is
 * read from two extra fields of the batch.
 *
 * Values are bound as on the server (copy-export.ts): `set_config(…, true)` in the batch's
 * transaction, read back by the select; nothing is written into the statement's text.
 */
export const blobRowExport =
  (pglite: PGlite, batchSize: number): RowExport =>
  <Row>(spec: RowExportSpec<Row>): AsyncIterable<readonly Row[]> => {
    const [first, second] = spec.key;
    const columns = spec.fields.length;
    const extra = { k0: sql<string>`${first}::text`, k1: sql<string>`${second}::text` };
    const read = async (after: readonly [string, string] | null) => {
      const select = copySelectOf(spec, {
        extra,
        after: (bind) =>
          after === null
            ? undefined
            : sql`(${first}, ${second}) > (${bind(after[0], first)}, ${bind(after[1], second)})`,
      });
      const blob = await pglite.transaction(async (tx) => {
        // Without a sort the planner walks the key's index in order and stops at the batch's
        // end; with one, it sorts the whole rest of the range for every batch (the bound values
        // are hidden from it, so it can not tell the range is long): a 333k-row export took
        // 23–25 s, against 3.7–5.1 s this way (issue 19). Local to this batch's transaction.
        await tx.query("set local enable_sort = off");
        if (select.values.length > 0)
          await tx.query(settingsSql(select.values.length), [...select.values]);
        const result = await tx.query(`COPY (${select.text} LIMIT ${batchSize}) TO '/dev/blob'`);
        return result.blob;
      });
      const text = blob === undefined ? "" : await blob.text();
      // Every row ends with a newline; the last one is cut before the reader sees the text.
      return text.endsWith("\n") ? text.slice(0, -1) : text;
    };
    return (async function* (): AsyncGenerator<readonly Row[]> {
      const line = new CopyLine(columns + 2);
      let after: readonly [string, string] | null = null;
      for (;;) {
        const text = await read(after);
        if (text === "") return;
        const rows = parseCopyText(text, line, spec.toRow);
        // The reader leaves `line` on the batch's last row: its key is where the next resumes.
        const cursor = [line.text(columns) ?? "", line.text(columns + 1) ?? ""] as const;
        yield rows;
        if (rows.length < batchSize) return;
        after = cursor;
      }
    })();
  };
