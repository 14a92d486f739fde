import { type SQL, sql } from "drizzle-orm";
import type pg from "pg";
import { CopyOut } from "./copy-out.js";
import { CopyLine, instantSql, parseCopyText } from "./copy-text.js";
import { exportFields } from "./export-fields.js";
import type { Bind, RowExport, RowExportOptions, RowExportSpec } from "./row-export.js";

/**
 * The row export on a PostgreSQL server: one `COPY (<select>) TO STDOUT` statement, read by
 * {@link CopyOut} (copy-out.ts: the protocol's framing stripped in place) and turned into rows
 * batch by batch as the bytes arrive.
 *
 * Why COPY and not keyset SELECT batches: each `LIMIT n` batch makes the planner choose index
 * lookups row by row (a 30-day report paid ≈ 8 µs a row for its joins), and node-postgres
 * turns every field of every row into a string. One statement lets PostgreSQL plan the whole
 * range (hash joins, a parallel sort), and the text format costs one UTF-8 decode per socket
 * chunk and a string search per field.
 *
 * Bound values: COPY takes no parameters, and writing values into its text is what this
 * module exists not to do. So the values are bound to `set_config('row_export.p<n>', $n,
 * true)` in the COPY's own transaction, and the select reads them back with
 * `panel_export_value('row_export.p<n>')::<type>` (`panel_export_instant(…)` for a
 * timestamptz): the statement's text holds setting names and types only. Those functions
 * (migration 0009) are declared immutable, so the planner evaluates each once, while it plans
 * the statement, and plans with the value as a constant, as it does a bound parameter's. The
 * two ways tried before cost more (issue 15): a bare `current_setting(…)::type` is a stable
 * call the executor repeats for every row it filters; a scalar subquery over it runs once but
 * hides the value, and the planner then plans any window as a generic thousand rows (a serial
 * index scan and a sort spilled to disk instead of a parallel scan: +49 % on a 30-day records
 * export).
 *
 * The statement holds its connection while the export streams, with backpressure: a consumer
 * that reads slowly slows the server down, memory stays at a socket's worth of rows. A
 * consumer that takes nothing for `stallTimeoutMs` loses the statement (the connection is
 * closed, not returned) and its next read fails, so a stalled download can not keep a pool
 * connection forever.
 */

/** How long a COPY export waits for its consumer before it gives its connection up (ms). */
export const COPY_STALL_TIMEOUT_MS = 60_000;

/** The consumer took nothing for too long; the statement was dropped. */
export class CopyStalled extends Error {
  /** Stable code for hosts and logs. */
  readonly code = "COPY_STALLED" as const;
  constructor(ms: number) {
    super(`the export's reader took nothing for ${ms} ms; its statement was dropped`);
    this.name = "CopyStalled";
  }
}

/** The custom setting bound value `n` travels in (a name with a dot needs no declaring). */
const settingOf = (n: number) => `row_export.p${n}`;

/**
 * The expression that reads a bound value back as a constant of the plan (see the module's
 * comment). A cast folds only when the type's input function is immutable: timestamptz's
 * depends on the session (its zone, its date style), so instants have a function of their own.
 */
const planTimeValue = (setting: string, type: string): string =>
  type === "timestamp with time zone"
    ? `panel_export_instant('${setting}')`
    : `panel_export_value('${setting}')::${type}`;

/**
 * A spec's select as COPY can run it, and the values bound to its settings, in order.
 * `extra` fields follow the spec's (a keyset cursor); `after` builds a WHERE part from `bind`.
 */
export const copySelectOf = <Row>(
  spec: RowExportSpec<Row>,
  options: {
    readonly extra?: Record<string, SQL>;
    readonly after?: (bind: Bind) => SQL | undefined;
  } = {},
): { readonly text: string; readonly values: readonly string[] } => {
  const values: string[] = [];
  const bind: Bind = (value, like) => {
    values.push(value instanceof Date ? value.toISOString() : String(value));
    return sql.raw(planTimeValue(settingOf(values.length), like.getSQLType()));
  };
  const fields = { ...exportFields(spec.fields, instantSql), ...options.extra };
  const query = spec.select(fields, bind, options.after?.(bind)).toSQL();
  if (query.params.length > 0) {
    throw new Error(
      `An export's select holds ${query.params.length} value(s) not given through bind: COPY can not take them`,
    );
  }
  return { text: query.sql, values };
};

/** A spec's COPY statement to the client, and the values bound to its settings, in order. */
export const copyStatementOf = <Row>(
  spec: RowExportSpec<Row>,
): { readonly text: string; readonly values: readonly string[] } => {
  const select = copySelectOf(spec);
  return { text: `COPY (${select.text}) TO STDOUT`, values: select.values };
};

/** `select set_config('row_export.p1', $1, true), …`: the values, bound, for this transaction. */
export const settingsSql = (count: number): string =>
  `select ${Array.from({ length: count }, (_, i) => `set_config('${settingOf(i + 1)}', $${i + 1}, true)`).join(", ")}`;

/**
 * Streams a spec's COPY as batches of rows, one batch per chunk {@link CopyOut} gives (about
 * a socket read: small batches let each batch's rows, Dates and CSV text die young). Nothing
 * runs until the first batch is asked for. A consumer that stops early closes the connection
 * (a COPY can not be left half-read on a pooled connection). The rows read must add up to
 * the count the server reports at the end.
 */
async function* copyBatches<Row>(
  pool: pg.Pool,
  spec: RowExportSpec<Row>,
  stallTimeoutMs: number,
): AsyncGenerator<readonly Row[]> {
  const statement = copyStatementOf(spec);
  const line = new CopyLine(spec.fields.length);
  const client = await pool.connect();
  let released = false;
  const release = (error?: Error) => {
    if (released) return;
    released = true;
    client.release(error);
  };
  let finished = false;
  let stalled = false;
  try {
    await client.query("begin");
    if (statement.values.length > 0) {
      await client.query(settingsSql(statement.values.length), [...statement.values]);
    }
    const copy = new CopyOut(statement.text);
    client.query(copy);
    const decoder = new TextDecoder("utf-8");
    // Bytes of a row not yet whole: a row may span any number of chunks.
    let pending: Buffer[] = [];
    let count = 0;
    for (let chunk = await copy.read(); chunk !== null; chunk = await copy.read()) {
      // A newline byte never occurs inside a multi-byte UTF-8 character, so the bytes up to
      // the last one decode alone, into one flat string.
      const end = chunk.lastIndexOf(10);
      if (end < 0) {
        pending.push(chunk);
        continue;
      }
      const bytes = pending.length === 0 ? chunk : Buffer.concat([...pending, chunk]);
      const cut = bytes.length - (chunk.length - end);
      // `stream: true` although no character is ever cut: Node 20's streaming decoder (ICU)
      // reads this CJK-heavy text in half the time of its one-shot path.
      const rows = parseCopyText(
        decoder.decode(bytes.subarray(0, cut), { stream: true }),
        line,
        spec.toRow,
      );
      pending = cut + 1 < bytes.length ? [bytes.subarray(cut + 1)] : [];
      count += rows.length;
      const timer = setTimeout(() => {
        stalled = true;
        release(new CopyStalled(stallTimeoutMs));
      }, stallTimeoutMs);
      timer.unref();
      try {
        yield rows;
      } finally {
        clearTimeout(timer);
      }
      if (stalled) throw new CopyStalled(stallTimeoutMs);
    }
    // Every text row ends with a newline: bytes left over mean the stream was cut.
    if (pending.length > 0) throw new Error("COPY output ended inside a row");
    // After the commit, node-postgres has read the COPY's CommandComplete (its row count).
    await client.query("commit");
    if (copy.rowCount !== count) {
      throw new Error(`COPY reported ${copy.rowCount} rows; ${count} were read`);
    }
    finished = true;
  } finally {
    // Only a statement read to its end leaves the connection fit to be reused.
    release(finished ? undefined : new Error("COPY export stopped before its end"));
  }
}

/** The row export over a server's pool. */
export const copyRowExport =
  (pool: pg.Pool, options: RowExportOptions = {}): RowExport =>
  (spec) =>
    copyBatches(pool, spec, options.stallTimeoutMs ?? COPY_STALL_TIMEOUT_MS);
