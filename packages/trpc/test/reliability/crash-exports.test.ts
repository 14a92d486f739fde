import { seedCustomer, seedMember, seedMessages, seedTeam } from "@customer-panel/db/testing";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueCredential } from "../../src/auth.js";
import {
  crashClient,
  isConnectionFailure,
  killAllStarted,
  killHard,
  rowsOf,
  type SmtpReceiver,
  startCrashServer,
  startSmtpReceiver,
  stopGracefully,
  until,
} from "../fixtures/crash-process.js";
import { createServerDatabase, postgresServers } from "../fixtures/server-database.js";

/**
 * Issue 7, L7 exports under a crash: the API server process is SIGKILLed in the middle of
 * a CSV download (the first chunks are with the client, the rest never comes) and in the
 * middle of a stream of export requests, then started again on the same PostgreSQL
 * database with the same download secret. PostgreSQL only (a separate process), so it
 * runs where TEST_DATABASE_URL is set — in CI.
 */

const SECRET = "crash test download secret, long enough for HMAC";
const TRANSCRIPT_ROWS = 1_500;
/** The transcript row after which the download stops: 700 rows (one chunk each) were sent. */
const HOLD_AFTER_ROWS = 700;
const REQUEST_CLIENTS = 4;
/** Acknowledged export requests after which the server is killed. */
const KILL_AFTER_ACKS = 40;

describe.each(postgresServers)(
  "L7 exports survive a SIGKILL of the API server on $name",
  ({ adminUrl }) => {
    let store: Awaited<ReturnType<typeof createServerDatabase>>;
    let smtp: SmtpReceiver;
    let adminSecret: string;
    let bigConversation: string;
    const conversations: string[] = [];

    const count = async (statement: string) =>
      (await rowsOf<{ n: number }>(store.database, statement))[0]?.n;
    const exportedEvents = (conversationId: string) =>
      count(
        `select count(*)::int as n from conversation_events where conversation_id = '${conversationId}' and type = 'exported'`,
      );
    const exportTimeSet = async (conversationId: string) =>
      (
        await rowsOf<{ set: boolean }>(
          store.database,
          `select last_exported_at is not null as set from conversations where id = '${conversationId}'`,
        )
      )[0]?.set;

    beforeAll(async () => {
      store = await createServerDatabase(adminUrl, { prefix: "panel_crash", poolSize: 4 });
      smtp = await startSmtpReceiver();
      const { db } = store.database;
      const teamId = await seedTeam(db, { name: "Crash team" });
      const admin = await seedMember(db, teamId, "admin", "管理員 Ada");
      adminSecret = (
        await issueCredential(db, { teamId, kind: "member", memberId: admin, client: "web" })
      ).secret;
      const big = await seedCustomer(db, teamId, { channel: "line", externalId: "U-big" });
      bigConversation = big.conversationId;
      await seedMessages(
        db,
        teamId,
        bigConversation,
        Array.from(
          { length: TRANSCRIPT_ROWS },
          (_, i) => `第 ${i + 1} 則訊息：請問訂單什麼時候出貨？`,
        ),
      );
      for (let i = 0; i < 3; i++) {
        const { conversationId } = await seedCustomer(db, teamId, {
          channel: "line",
          externalId: `U-export-${i}`,
        });
        await seedMessages(db, teamId, conversationId, ["你好", "您好，請稍候", `#${i}`]);
        conversations.push(conversationId);
      }
    });

    afterAll(async () => {
      await killAllStarted();
      await smtp?.close();
      await store?.drop();
    });

    it("a download killed mid-stream records nothing; after the restart the same link downloads the whole file and records the export once", async () => {
      const first = await startCrashServer({
        DATABASE_URL: store.url,
        SECRET,
        HOLD: JSON.stringify({ point: "transcript-rows", nth: HOLD_AFTER_ROWS }),
      });
      const link = await crashClient(first.url, adminSecret).conversations.export.mutate({
        conversationId: bigConversation,
        format: "csv",
      });
      if (link.format !== "csv") throw new Error("expected a CSV link");
      const response = await fetch(`${first.url}${link.url}`);
      expect(response.status).toBe(200);
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      const decoder = new TextDecoder();
      let received = "";
      const lines = () => received.split("\r\n").length - 1;
      // The header and the first chunk of rows arrive; then the server stops at row 700.
      while (lines() < 501) {
        const { value, done } = await reader.read();
        if (done) break;
        received += decoder.decode(value, { stream: true });
      }
      await first.line((l) => l.hold === "transcript-rows");
      await killHard(first);
      const rest = (async () => {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return "ended";
          received += decoder.decode(value, { stream: true });
        }
      })();
      // The connection died without the chunked encoding's last chunk: the body fails.
      await expect(rest).rejects.toThrow();
      const partialRows = lines() - 1;
      expect(partialRows).toBeGreaterThanOrEqual(500);
      expect(partialRows).toBeLessThan(TRANSCRIPT_ROWS);
      expect(await exportedEvents(bigConversation)).toBe(0);
      expect(await exportTimeSet(bigConversation)).toBe(false);

      // New process, same database: the stored link is still good until it expires.
      const second = await startCrashServer({ DATABASE_URL: store.url, SECRET });
      const again = await fetch(`${second.url}${link.url}`);
      expect(again.status).toBe(200);
      const rows = parse(await again.text(), { bom: true }) as string[][];
      expect(rows[0]).toEqual(["time", "sender_type", "name", "content", "utc_offset"]);
      expect(rows).toHaveLength(TRANSCRIPT_ROWS + 1);
      expect(rows.at(-1)?.[3]).toBe(`第 ${TRANSCRIPT_ROWS} 則訊息：請問訂單什麼時候出貨？`);
      expect(await until(async () => (await exportedEvents(bigConversation)) === 1)).toBe(true);
      expect(await exportTimeSet(bigConversation)).toBe(true);
      console.info(
        `[crash-exports] download killed after ${partialRows} of ${TRANSCRIPT_ROWS} rows reached the client; ` +
          `the same link after the restart: ${rows.length - 1} rows, 1 export recorded`,
      );
      expect(await stopGracefully(second)).toBe(0);
    });

    it("export requests killed mid-stream leave only whole outbox rows; every acknowledged email is delivered once after the restart and acknowledged links still work", async () => {
      const first = await startCrashServer({ DATABASE_URL: store.url, SECRET });
      const emails: string[] = [];
      const links: { url: string; conversationId: string }[] = [];
      const unanswered: { format: "csv" | "email"; conversationId: string }[] = [];
      const refusals: unknown[] = [];
      let acks = 0;
      let killing: Promise<void> | null = null;

      const fire = async (client: number) => {
        const api = crashClient(first.url, adminSecret);
        for (let i = 0; killing === null; i++) {
          const conversationId = conversations[(client + i) % conversations.length] ?? "";
          const format = (client + i) % 2 === 0 ? "email" : "csv";
          try {
            const answer = await api.conversations.export.mutate(
              format === "email"
                ? { conversationId, format, to: "boss@example.com" }
                : { conversationId, format },
            );
            if (answer.format === "email") emails.push(answer.exportId);
            else links.push({ url: answer.url, conversationId });
            acks += 1;
            if (acks === KILL_AFTER_ACKS) killing = killHard(first);
          } catch (error) {
            if (!isConnectionFailure(error)) refusals.push(error);
            unanswered.push({ format, conversationId });
            return;
          }
        }
      };
      await Promise.all(Array.from({ length: REQUEST_CLIENTS }, (_, c) => fire(c)));
      await killing;
      expect(refusals).toEqual([]);

      // Nothing half-written: every acknowledged email export is queued, whole; the only
      // other rows are requests that committed while their answer was lost.
      const queued = await rowsOf<{
        id: string;
        status: string;
        attempts: number;
        recipient: string;
        requested_by_name: string;
        conversation_exists: boolean;
      }>(
        store.database,
        `select e.id, e.status, e.attempts, e.recipient, e.requested_by_name,
         exists (select 1 from conversations c where c.id = e.conversation_id) as conversation_exists
       from email_exports e`,
      );
      const queuedIds = new Set(queued.map((q) => q.id));
      for (const id of emails) expect(queuedIds.has(id)).toBe(true);
      const unansweredEmails = unanswered.filter((u) => u.format === "email").length;
      expect(queued.length - emails.length).toBeLessThanOrEqual(unansweredEmails);
      for (const row of queued) {
        expect(row).toMatchObject({
          status: "pending",
          attempts: 0,
          recipient: "boss@example.com",
          requested_by_name: "管理員 Ada",
          conversation_exists: true,
        });
      }
      // Requests record no export: only a completed download or a sent email does.
      for (const conversationId of conversations) {
        expect(await exportedEvents(conversationId)).toBe(0);
        expect(await exportTimeSet(conversationId)).toBe(false);
      }

      // Restart with the worker: every queued email goes out exactly once.
      const second = await startCrashServer({
        DATABASE_URL: store.url,
        SECRET,
        SMTP_PORT: String(smtp.port),
      });
      const link = links[0];
      if (link === undefined) throw new Error("no CSV link was acknowledged");
      const download = await fetch(`${second.url}${link.url}`);
      expect(download.status).toBe(200);
      expect(parse(await download.text(), { bom: true })).toHaveLength(4);
      expect(
        await until(
          async () =>
            (await count(`select count(*)::int as n from email_exports where status <> 'sent'`)) ===
            0,
          60_000,
        ),
      ).toBe(true);
      const copies = smtp.copiesByExport();
      expect([...queuedIds].map((id) => copies.get(id) ?? 0)).toEqual([...queuedIds].map(() => 1));
      // One `exported` entry per sent email and per completed download, per conversation.
      await until(async () => (await exportedEvents(link.conversationId)) !== 0);
      for (const conversationId of conversations) {
        const sent = await count(
          `select count(*)::int as n from email_exports where conversation_id = '${conversationId}'`,
        );
        const downloads = conversationId === link.conversationId ? 1 : 0;
        expect(await exportedEvents(conversationId)).toBe((sent ?? 0) + downloads);
      }
      console.info(
        `[crash-exports] ${acks + unanswered.length} export requests: ${acks} acknowledged ` +
          `(${emails.length} email, ${links.length} CSV), ${unanswered.length} in flight at the kill ` +
          `(${unansweredEmails} email); ${queued.length} outbox rows after the kill ` +
          `(${queued.length - emails.length} committed without an answer); all delivered once after the restart`,
      );
      expect(await stopGracefully(second)).toBe(0);
    });
  },
);

if (postgresServers.length === 0) {
  describe("L7 exports survive a SIGKILL of the API server", () => {
    it("runs only against a PostgreSQL server: TEST_DATABASE_URL is unset here (CI sets it)", () => {
      expect(process.env.TEST_DATABASE_URL).toBeUndefined();
    });
  });
}
