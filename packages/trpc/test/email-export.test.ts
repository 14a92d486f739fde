import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type EngineHandle, engines } from "@customer-panel/db/testing";
import { read as readXlsx, utils } from "@e965/xlsx";
import { Effect } from "effect";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  createPanelServices,
  type ExportWorker,
  fileMailer,
  type MailerService,
  type PanelRuntime,
  smtpMailer,
  startExportWorker,
} from "../src/index.js";
import { errorOf, seedWorld, startTestServer, type TestServer, type World } from "./harness.js";

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** A local SMTP server that keeps what it receives. */
const startSmtp = async () => {
  const received: { rcpt: string[]; raw: Buffer }[] = [];
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, callback) {
      const parts: Buffer[] = [];
      stream.on("data", (part: Buffer) => parts.push(part));
      stream.on("end", () => {
        received.push({
          rcpt: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(parts),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
  const { port } = smtp.server.address() as AddressInfo;
  let closed = false;
  return {
    port,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        if (closed) return resolve();
        closed = true;
        smtp.close(() => resolve());
      }),
  };
};

type Smtp = Awaited<ReturnType<typeof startSmtp>>;

const rowsOf = async (server: TestServer, statement: string) =>
  ((await server.database.db.execute(statement)) as unknown as { rows: Record<string, unknown>[] })
    .rows;

describe("fileMailer writes an .eml and the CSV beside it (demo)", () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("the .eml parses back to the email with its UTF-8 CSV attachment", async () => {
    dir = await mkdtemp(join(tmpdir(), "panel-mail-"));
    async function* csv() {
      yield "\uFEFFtime,sender_type,name,content\r\n";
      yield "2025-01-01 08:00:00,customer,,你好\r\n";
    }
    await Effect.runPromise(
      fileMailer(dir).send({
        to: "boss@example.com",
        subject: "Conversation export",
        text: "attached",
        attachment: { fileName: "conversation-1.csv", content: csv() },
      }),
    );
    const files = (await readdir(dir)).sort();
    expect(files).toHaveLength(2);
    const eml = files.find((f) => f.endsWith(".eml"));
    const attachment = files.find((f) => f.endsWith("-conversation-1.csv"));
    if (!eml || !attachment) throw new Error(`unexpected files ${files.join(", ")}`);
    const parsed = await simpleParser(await readFile(join(dir, eml)));
    expect(parsed.subject).toBe("Conversation export");
    expect(parsed.attachments[0]?.filename).toBe("conversation-1.csv");
    const onDisk = await readFile(join(dir, attachment));
    expect(onDisk.subarray(0, 3).equals(BOM)).toBe(true);
    expect(onDisk.toString("utf8")).toContain("你好");
  });
});

describe.each(engines)("L7 email exports through the outbox on $name", (engine) => {
  let handle: EngineHandle;
  let server: TestServer;
  let world: World;
  let smtp: Smtp;
  let worker: ExportWorker | undefined;
  const workerErrors: unknown[] = [];
  const runtimes: PanelRuntime[] = [];

  const startWorker = (mailer: MailerService) => {
    const { services } = server;
    const { runtime } = createPanelServices({
      database: services.database,
      changes: services.changes,
      exportQuota: services.exportQuota,
      mailer,
    });
    runtimes.push(runtime);
    worker = startExportWorker({
      database: server.database,
      runtime,
      intervalMs: null,
      onError: (error) => workerErrors.push(error),
    });
    return worker;
  };

  beforeAll(async () => {
    handle = await engine.open();
    server = await startTestServer(handle);
    world = await seedWorld(server);
    smtp = await startSmtp();
  });
  afterEach(async () => {
    await worker?.stop();
    worker = undefined;
    for (const runtime of runtimes.splice(0)) await runtime.dispose();
  });
  afterAll(async () => {
    await smtp?.close();
    await server?.close();
    await handle?.dispose();
  });

  const admin = () => server.client(world.teamA.members.admin.secret);
  const lastExport = async (conversationId: string) =>
    (await admin().panel.get.query({ conversationId })).conversation.lastExportedAt;
  const outboxCount = async () =>
    Number((await rowsOf(server, "select count(*)::int as n from email_exports"))[0]?.n);

  it("queued by the request, delivered by the worker over SMTP with a UTF-8 CSV attachment", async () => {
    const mailer = smtpMailer(
      { host: "127.0.0.1", port: smtp.port, secure: false, ignoreTLS: true },
      { from: "panel@example.com" },
    );
    const run = startWorker(mailer);
    const { line } = world.teamA.conversations;
    expect(await lastExport(line.conversationId)).toBeNull();

    const queued = await admin().conversations.export.mutate({
      conversationId: line.conversationId,
      format: "email",
      to: "boss@example.com",
    });
    expect(queued).toMatchObject({ format: "email", status: "queued" });
    if (queued.format !== "email") throw new Error("expected an email export");
    // Nothing leaves before the worker runs, and the panel does not claim an export yet.
    expect(smtp.received).toHaveLength(0);
    expect(await lastExport(line.conversationId)).toBeNull();

    expect(await run.runOnce()).toBe(1);
    expect(smtp.received).toHaveLength(1);
    const [message] = smtp.received;
    expect(message?.rcpt).toEqual(["boss@example.com"]);
    const parsed = await simpleParser(message?.raw ?? Buffer.alloc(0));
    expect(parsed.from?.text).toContain("panel@example.com");
    expect(parsed.attachments).toHaveLength(1);
    const [attachment] = parsed.attachments;
    expect(attachment?.filename).toMatch(/^conversation-.+\.csv$/);
    expect(attachment?.contentType).toBe("text/csv");
    const content = attachment?.content ?? Buffer.alloc(0);
    expect(content.subarray(0, 3).equals(BOM)).toBe(true);
    const text = content.toString("utf8");
    expect(text).toContain("你好，我想查詢訂單");
    expect(text).toContain("客服 小美");
    expect(text).toContain("感謝您的耐心等候");

    expect(await lastExport(line.conversationId)).toBeInstanceOf(Date);
    const [row] = await rowsOf(
      server,
      `select status, attempts from email_exports where id = '${queued.exportId}'`,
    );
    expect(row).toMatchObject({ status: "sent", attempts: 1 });
    // Sent once: the next run finds nothing to do.
    expect(await run.runOnce()).toBe(0);
    expect(smtp.received).toHaveLength(1);
    expect(workerErrors).toEqual([]);
  });

  it("attachment xlsx: the worker sends the transcript as an XLSX attachment over SMTP", async () => {
    const mailer = smtpMailer(
      { host: "127.0.0.1", port: smtp.port, secure: false, ignoreTLS: true },
      { from: "panel@example.com" },
    );
    const run = startWorker(mailer);
    const { whatsapp } = world.teamA.conversations;
    const before = smtp.received.length;
    const queued = await admin().conversations.export.mutate({
      conversationId: whatsapp.conversationId,
      format: "email",
      to: "boss@example.com",
      attachment: "xlsx",
    });
    expect(queued).toMatchObject({ format: "email", status: "queued" });
    const [stored] = await rowsOf(
      server,
      "select attachment_format from email_exports order by requested_at desc limit 1",
    );
    expect(stored).toEqual({ attachment_format: "xlsx" });
    expect(await run.runOnce()).toBe(1);
    expect(smtp.received).toHaveLength(before + 1);
    const parsed = await simpleParser(smtp.received.at(-1)?.raw ?? Buffer.alloc(0));
    const [attachment] = parsed.attachments;
    expect(attachment?.filename).toMatch(/^conversation-.+\.xlsx$/);
    expect(attachment?.contentType).toBe(
      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    );
    const book = readXlsx(attachment?.content ?? Buffer.alloc(0));
    const sheet = book.Sheets["Conversation transcript"];
    if (sheet === undefined) throw new Error("no transcript sheet");
    const rows = utils.sheet_to_json<unknown[]>(sheet, { header: 1, raw: true });
    expect(rows[0]).toEqual(["time", "sender_type", "name", "content", "utc_offset"]);
    expect(rows.map((r) => r[3])).toContain("你好，我想查詢訂單");
    expect(await lastExport(whatsapp.conversationId)).toBeInstanceOf(Date);
    expect(workerErrors).toEqual([]);
  });

  it("L8 a refused request (supervisor) queues nothing and nothing is ever sent", async () => {
    const run = startWorker(
      smtpMailer(
        { host: "127.0.0.1", port: smtp.port, secure: false, ignoreTLS: true },
        { from: "panel@example.com" },
      ),
    );
    const before = await outboxCount();
    const sentBefore = smtp.received.length;
    const refused = await errorOf(
      server.client(world.teamA.members.supervisor.secret).conversations.export.mutate({
        conversationId: world.teamA.conversations.facebook.conversationId,
        format: "email",
        to: "boss@example.com",
      }),
    );
    expect(refused.data).toMatchObject({ code: "FORBIDDEN", domainCode: "ROLE_NOT_ALLOWED" });
    const app = await errorOf(
      server.client(world.teamA.appAdmin.secret).conversations.export.mutate({
        conversationId: world.teamA.conversations.facebook.conversationId,
        format: "email",
        to: "boss@example.com",
      }),
    );
    expect(app.data).toMatchObject({ domainCode: "CLIENT_NOT_SUPPORTED" });
    expect(await outboxCount()).toBe(before);
    expect(await run.runOnce()).toBe(0);
    expect(smtp.received).toHaveLength(sentBefore);
    expect(await lastExport(world.teamA.conversations.facebook.conversationId)).toBeNull();
  });

  it("an SMTP failure leaves the job pending (attempts 1) and the last export time unchanged; a later run delivers it", async () => {
    const dead = await startSmtp();
    await dead.close();
    const failing = startWorker(
      smtpMailer(
        { host: "127.0.0.1", port: dead.port, secure: false, ignoreTLS: true },
        { from: "panel@example.com" },
      ),
    );
    const { webchat } = world.teamA.conversations;
    const sentBefore = smtp.received.length;
    const queued = await admin().conversations.export.mutate({
      conversationId: webchat.conversationId,
      format: "email",
      to: "boss@example.com",
    });
    if (queued.format !== "email") throw new Error("expected an email export");

    expect(await failing.runOnce()).toBe(1);
    const [row] = await rowsOf(
      server,
      `select status, attempts, last_error from email_exports where id = '${queued.exportId}'`,
    );
    expect(row).toMatchObject({ status: "pending", attempts: 1 });
    expect(String(row?.last_error)).not.toBe("");
    expect(workerErrors).toHaveLength(1);
    expect(await lastExport(webchat.conversationId)).toBeNull();
    expect(smtp.received).toHaveLength(sentBefore);
    await failing.stop();

    // At least once: the job is tried again and delivered.
    const healthy = startWorker(
      smtpMailer(
        { host: "127.0.0.1", port: smtp.port, secure: false, ignoreTLS: true },
        { from: "panel@example.com" },
      ),
    );
    expect(await healthy.runOnce()).toBe(1);
    expect(smtp.received).toHaveLength(sentBefore + 1);
    const [after] = await rowsOf(
      server,
      `select status, attempts from email_exports where id = '${queued.exportId}'`,
    );
    expect(after).toMatchObject({ status: "sent", attempts: 2 });
    expect(await lastExport(webchat.conversationId)).toBeInstanceOf(Date);
  });
});
