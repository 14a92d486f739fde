import { PassThrough } from "node:stream";
import { fc, test } from "@fast-check/vitest";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CopyOut } from "../src/repositories/copy-out.js";
import { copyBatches, serverPoolOf } from "../src/repositories/copy-rows.js";
import { type EngineHandle, engines } from "../src/testing/engines.js";

/** One backend message: type byte, int32 length (itself included), body. */
const message = (code: string, body: Buffer = Buffer.alloc(0)): Buffer => {
  const head = Buffer.alloc(5);
  head.write(code, 0, "latin1");
  head.writeUInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
};
const cstring = (text: string) => Buffer.from(`${text}\0`);

/**
 * node-postgres' side, played by a real stream: its one `data` listener gets the bytes the
 * reader hands back, and turns CommandComplete, ReadyForQuery and ErrorResponse into the
 * calls node-postgres would make on the active query.
 */
const fakeConnection = (copy: CopyOut, chunks: readonly Buffer[]) => {
  const stream = new PassThrough();
  const handedBack: Buffer[] = [];
  let pending = Buffer.alloc(0);
  stream.on("data", (chunk: Buffer) => {
    handedBack.push(chunk);
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 5 && pending.length >= 1 + pending.readUInt32BE(1)) {
      const code = String.fromCharCode(pending[0] as number);
      const body = pending.subarray(5, 1 + pending.readUInt32BE(1));
      pending = pending.subarray(1 + pending.readUInt32BE(1));
      if (code === "C") copy.handleCommandComplete({ text: body.toString().replace(/\0$/, "") });
      if (code === "Z") copy.handleReadyForQuery();
      if (code === "E") copy.handleError(new Error(body.toString("latin1")));
    }
  });
  const sent: string[] = [];
  // One chunk per macrotask: the reader takes each before the next arrives, so the chunk
  // boundaries fall where the test put them.
  const query = (text: string) => {
    sent.push(text);
    let i = 0;
    const next = () => {
      if (i < chunks.length) {
        stream.write(chunks[i++]);
        setImmediate(next);
      }
    };
    setImmediate(next);
  };
  return { connection: { stream, query } as unknown as pg.Connection, handedBack, sent };
};

/** Everything a reader returns, joined. */
const readAll = async (copy: CopyOut): Promise<Buffer> => {
  const parts: Buffer[] = [];
  for (let bytes = await copy.read(); bytes !== null; bytes = await copy.read()) {
    expect(bytes.length).toBeGreaterThan(0);
    parts.push(Buffer.from(bytes));
  }
  return Buffer.concat(parts);
};

/** `bytes` cut at the given offsets. */
const cut = (bytes: Buffer, offsets: readonly number[]): Buffer[] => {
  const points = [...new Set(offsets.map((o) => o % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const to of [...points, bytes.length]) {
    if (to > from) chunks.push(bytes.subarray(from, to));
    from = to;
  }
  return chunks;
};

const row = fc.string({ unit: "grapheme", maxLength: 40 }).map((text) => `${text}\n`);

describe("COPY OUT framing (the server path of R3 and L7 exports)", () => {
  test.prop(
    [
      fc.array(fc.oneof(row, fc.constantFrom("N", "S", "A")), { maxLength: 30 }),
      fc.array(fc.nat(), { maxLength: 12 }),
    ],
    { numRuns: 200 },
  )(
    "rows come out exactly, wherever the socket's chunks split a header or a row, notices and parameter reports skipped",
    async (items, offsets) => {
      const rows = items.filter((item) => item.endsWith("\n"));
      const stream = Buffer.concat([
        message("H", Buffer.from([0, 0, 0])),
        ...items.map((item) =>
          item.endsWith("\n")
            ? message("d", Buffer.from(item))
            : message(item, cstring(item === "S" ? "TimeZone\0UTC" : "a notice")),
        ),
        message("c"),
        message("C", cstring(`COPY ${rows.length}`)),
        message("Z", Buffer.from("I")),
      ]);
      const copy = new CopyOut("COPY (select 1) TO STDOUT");
      const fake = fakeConnection(copy, cut(stream, offsets));
      copy.submit(fake.connection);
      expect(fake.sent).toEqual(["COPY (select 1) TO STDOUT"]);
      expect((await readAll(copy)).toString()).toBe(rows.join(""));
      expect(copy.rowCount).toBe(rows.length);
      // node-postgres got back exactly what follows CopyDone, and its listener again.
      const tail = Buffer.concat(fake.handedBack);
      expect(tail.equals(stream.subarray(stream.length - tail.length))).toBe(true);
      expect(String.fromCharCode(tail[0] as number)).toBe("C");
    },
  );

  it("a row far larger than a socket chunk comes out whole", async () => {
    const big = `${"訊息".repeat(400_000)}\n`;
    const stream = Buffer.concat([
      message("H", Buffer.from([0, 0, 0])),
      message("d", Buffer.from(big)),
      message("c"),
      message("C", cstring("COPY 1")),
      message("Z", Buffer.from("I")),
    ]);
    const copy = new CopyOut("COPY (select 1) TO STDOUT");
    const chunks = cut(
      stream,
      Array.from({ length: 40 }, (_, i) => i * 65_536 + 3),
    );
    copy.submit(fakeConnection(copy, chunks).connection);
    expect((await readAll(copy)).toString()).toBe(big);
  });

  it("an error in mid-stream goes to node-postgres from its first byte, and the next read fails with it", async () => {
    const error = message("E", cstring("SERROR\0C22012\0Mdivision by zero\0"));
    const stream = Buffer.concat([
      message("H", Buffer.from([0, 0, 0])),
      message("d", Buffer.from("1\n")),
      error,
      message("Z", Buffer.from("I")),
    ]);
    const copy = new CopyOut("COPY (select 1) TO STDOUT");
    const fake = fakeConnection(copy, [stream]);
    copy.submit(fake.connection);
    const first = await copy.read();
    expect(first?.toString()).toBe("1\n");
    await expect(copy.read()).rejects.toThrow(/division by zero/);
    expect(Buffer.concat(fake.handedBack).subarray(0, error.length).equals(error)).toBe(true);
  });

  it("refuses a connection whose data listeners are not node-postgres' one", () => {
    const copy = new CopyOut("COPY (select 1) TO STDOUT");
    const stream = new PassThrough();
    expect(() => copy.submit({ stream, query: () => {} } as unknown as pg.Connection)).toThrow(
      /one data listener, found 0/,
    );
  });
});

const servers = engines.filter((engine) => engine.name === "postgres");

describe.runIf(servers.length > 0).each(servers)("COPY OUT on a real $name server", (engine) => {
  let handle: EngineHandle;
  let pool: pg.Pool;
  beforeAll(async () => {
    handle = await engine.open();
    const server = serverPoolOf((await handle.fresh()).db);
    if (server === undefined) throw new Error("a server engine without a pool");
    pool = server;
  });
  afterAll(async () => handle?.dispose());

  const collect = async <Row>(batches: AsyncIterable<readonly Row[]>): Promise<Row[]> => {
    const rows: Row[] = [];
    for await (const batch of batches) rows.push(...batch);
    return rows;
  };

  it("reads what a plain SELECT reads: large rows, multi-byte text across chunks, notices in between", async () => {
    await pool.query(`create or replace function noisy(n int) returns int language plpgsql as $$
      begin
        if n % 1000 = 0 then raise notice 'row %', n; end if;
        return n;
      end $$`);
    const select = `select noisy(g) as n, repeat('訊息', case when g % 5000 = 0 then 300000 else g % 50 end) as t
      from generate_series(1, 20000) g order by g`;
    const expected = (await pool.query<{ n: number; t: string }>(select)).rows;
    const rows = await collect(
      copyBatches(pool, select, 2, (line) => ({
        n: Number(line.field(0)),
        t: line.field(1),
      })),
    );
    expect(rows.length).toBe(expected.length);
    expect(rows).toEqual(expected);
    // The connection went back healthy: the pool's next statement runs.
    expect((await pool.query("select 1 as one")).rows).toEqual([{ one: 1 }]);
  });

  it("a server error in mid-stream rejects the read with PostgreSQL's error, and the pool recovers", async () => {
    const select = "select 1 / (10000 - g) as v from generate_series(1, 20000) g";
    const error = await collect(copyBatches(pool, select, 1, (line) => line.field(0))).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: "22012" });
    expect((await pool.query("select 2 as two")).rows).toEqual([{ two: 2 }]);
  });

  it("a statement the server refuses at once rejects the first read", async () => {
    const error = await collect(
      copyBatches(pool, "select no_such_column from pg_class", 1, (line) => line.field(0)),
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "42703" });
    expect((await pool.query("select 3 as three")).rows).toEqual([{ three: 3 }]);
  });
});
