import type pg from "pg";

/**
 * `COPY … TO STDOUT` on a node-postgres client, read as the bytes of the copied rows.
 *
 * Why not pg-copy-streams (still the bench's baseline reader): it takes each CopyData message
 * (one per row) out of a buffer list as its own Buffer, five or six calls and an allocation per
 * row, then joins them again. Issue 15 replaced this reader by it and measured the cost: about
 * 0.4 µs a row of the export's main thread (≈ 40 ms of a 100k-message transcript export whose
 * COPY alone takes ≈ 85 ms), enough to turn the transcript's ≤ 1.5× target from met to missed;
 * figures in docs/decisions.md ("COPY framing read by hand"). This reader takes the same
 * approach to the connection as pg-copy-streams (it holds the socket while the rows stream and
 * hands it back to node-postgres at the end) but strips the 5-byte message headers in place:
 * each row's bytes move down over the headers with one `copyWithin`, and the socket's chunk
 * goes on as one buffer. It relies on node-postgres 8's `connection.stream` (a test pins the
 * major version).
 *
 * Protocol (PostgreSQL "Message Formats", "COPY Operations"): after the query the server sends
 * CopyOutResponse, one CopyData per row, CopyDone, then CommandComplete and ReadyForQuery.
 * NoticeResponse, ParameterStatus and NotificationResponse may come in between and are
 * skipped. An ErrorResponse (at any point) and everything from CopyDone on go to
 * node-postgres' own parser, which then calls {@link CopyOut.handleError},
 * {@link CopyOut.handleCommandComplete} and {@link CopyOut.handleReadyForQuery}.
 *
 * Backpressure: the socket is read only when {@link CopyOut.read} is called, so a consumer
 * that stops reading stops the server once the socket's buffers are full.
 */

const COPY_DATA = 0x64; // d
const COPY_DONE = 0x63; // c
const COPY_OUT_RESPONSE = 0x48; // H
const NOTICE_RESPONSE = 0x4e; // N
const PARAMETER_STATUS = 0x53; // S
const NOTIFICATION_RESPONSE = 0x41; // A

/** The messages that may come inside a COPY OUT and are skipped; any other ends it. */
const isSkipped = (code: number) =>
  code === COPY_OUT_RESPONSE ||
  code === NOTICE_RESPONSE ||
  code === PARAMETER_STATUS ||
  code === NOTIFICATION_RESPONSE;

type DataHandler = (chunk: Buffer) => void;

/** The parts of node-postgres' connection this reader uses (pg 8: `connection.stream`, `query`). */
interface PgConnection {
  readonly stream: {
    listeners(event: "data"): DataHandler[];
    on(event: "data" | "readable", listener: DataHandler | (() => void)): unknown;
    removeListener(event: "data" | "readable", listener: DataHandler | (() => void)): unknown;
    pause(): unknown;
    resume(): unknown;
    read(): Buffer | null;
  };
  query(text: string): void;
}

/** One `COPY … TO STDOUT` statement: pass it to `client.query`, then call {@link read}. */
export class CopyOut implements pg.Submittable {
  /** Rows the server reported in CommandComplete, once known. */
  rowCount: number | null = null;

  private connection: PgConnection | null = null;
  private pgDataHandler: DataHandler | null = null;
  /** Bytes of an unfinished message header (fewer than 5), kept for the next chunk. */
  private header: Buffer | null = null;
  /** Content bytes of the current message not yet seen. */
  private left = 0;
  /** Whether the current message is CopyData (its bytes are kept) or skipped. */
  private keeping = false;
  /** The socket went back to node-postgres (CopyDone or an error was met). */
  private detached = false;
  private failure: Error | null = null;
  private finished = false;
  private wake: (() => void) | null = null;
  private readonly onReadable = () => this.notify();

  constructor(readonly text: string) {}

  /** Called by node-postgres when the statement's turn comes. */
  submit(connection: pg.Connection): void {
    const con = connection as unknown as PgConnection;
    const stream = con.stream;
    const handlers = stream.listeners("data");
    const handler = handlers[0];
    if (handlers.length !== 1 || handler === undefined) {
      throw new Error(
        `COPY OUT expects node-postgres' one data listener, found ${handlers.length}`,
      );
    }
    this.connection = con;
    this.pgDataHandler = handler;
    stream.removeListener("data", handler);
    stream.pause();
    stream.on("readable", this.onReadable);
    con.query(this.text);
  }

  /**
   * The next copied bytes (whole rows or parts of one; at least one byte), or null once the
   * statement has completed. Rejects with the server's error or the connection's.
   */
  async read(): Promise<Buffer | null> {
    for (;;) {
      if (this.failure !== null) throw this.failure;
      if (!this.detached && this.connection !== null) {
        const chunk = this.connection.stream.read();
        if (chunk !== null) {
          const data = this.parse(chunk);
          if (data !== null) return data;
          continue;
        }
      } else if (this.finished) {
        return null;
      }
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  /** The CopyData bytes of `chunk`, moved down over the headers; null if it held none. */
  private parse(input: Buffer): Buffer | null {
    let chunk = input;
    if (this.header !== null) {
      chunk = Buffer.concat([this.header, input]);
      this.header = null;
    }
    const length = chunk.length;
    let at = 0;
    let kept = 0;
    while (at < length) {
      if (this.left > 0) {
        const n = Math.min(this.left, length - at);
        if (this.keeping) {
          if (kept !== at) chunk.copyWithin(kept, at, at + n);
          kept += n;
        }
        at += n;
        this.left -= n;
        continue;
      }
      const code = chunk[at] as number;
      if (code !== COPY_DATA && code !== COPY_DONE && !isSkipped(code)) {
        // ErrorResponse (or anything unexpected): node-postgres reads it from its first byte.
        this.detach(chunk.subarray(at));
        return kept > 0 ? chunk.subarray(0, kept) : null;
      }
      if (length - at < 5) {
        this.header = Buffer.from(chunk.subarray(at));
        break;
      }
      if (code === COPY_DONE) {
        // This reader's part ends here; CommandComplete and ReadyForQuery are node-postgres'.
        this.detach(chunk.subarray(at + 5));
        return kept > 0 ? chunk.subarray(0, kept) : null;
      }
      this.left = chunk.readUInt32BE(at + 1) - 4;
      this.keeping = code === COPY_DATA;
      at += 5;
    }
    return kept > 0 ? chunk.subarray(0, kept) : null;
  }

  /** Gives the socket back to node-postgres with the bytes it has yet to parse. */
  private detach(rest: Buffer): void {
    const connection = this.connection;
    const handler = this.pgDataHandler;
    if (this.detached || connection === null || handler === null) return;
    this.detached = true;
    const stream = connection.stream;
    stream.removeListener("readable", this.onReadable);
    stream.on("data", handler);
    if (rest.length > 0) handler(rest);
    // node-postgres reads in flowing mode; the handler above may have paused the stream.
    process.nextTick(() => stream.resume());
  }

  /** node-postgres: the server's error, or the connection's. */
  handleError(error: Error): void {
    this.failure = error;
    this.notify();
  }

  /** node-postgres: `COPY <n>`. */
  handleCommandComplete(message: { readonly text?: string }): void {
    const match = /^COPY (\d+)/.exec(message.text ?? "");
    if (match?.[1] !== undefined) this.rowCount = Number(match[1]);
  }

  /** node-postgres: the statement is over and the connection idle again. */
  handleReadyForQuery(): void {
    this.finished = true;
    this.notify();
  }
}
