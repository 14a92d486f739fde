import { seedCustomer, seedMember, seedMessages, seedTeam } from "@customer-panel/db/testing";
import { simpleParser } from "mailparser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueCredential } from "../../src/auth.js";
import {
  type CrashServer,
  crashClient,
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
 * Issue 7, L7 email exports under a crash: the API server (with its export worker sending
 * through nodemailer to a real SMTP server in this process) is SIGKILLed between two
 * deliveries, in the middle of an SMTP transaction, and — on purpose — in the one window
 * where a crash can not be told apart from success: after the SMTP server answered 250
 * and before the outbox row was marked sent. Claims last 1.5 s, so a restarted worker
 * takes the jobs its killed predecessor held. PostgreSQL only (a separate process), so it
 * runs where TEST_DATABASE_URL is set — in CI.
 */

const SECRET = "crash test download secret, long enough for HMAC";
const FROM_DOMAIN = "example.com";

describe.each(postgresServers)(
  "L7 email exports survive a SIGKILL of the API server on $name",
  ({ adminUrl }) => {
    let store: Awaited<ReturnType<typeof createServerDatabase>>;
    let smtp: SmtpReceiver;
    let adminSecret: string;
    let teamId: string;
    const conversations: string[] = [];

    const start = (hold?: { point: string; nth: number }) =>
      startCrashServer({
        DATABASE_URL: store.url,
        SECRET,
        SMTP_PORT: String(smtp.port),
        CLAIM_MS: "1500",
        WORKER_INTERVAL_MS: "100",
        ...(hold && { HOLD: JSON.stringify(hold) }),
      });

    const queue = async (server: CrashServer, conversationId: string) => {
      const queued = await crashClient(server.url, adminSecret).conversations.export.mutate({
        conversationId,
        format: "email",
        to: "boss@example.com",
      });
      if (queued.format !== "email") throw new Error("expected an email export");
      return queued.exportId;
    };

    const jobs = (ids: readonly string[]) =>
      rowsOf<{ id: string; status: string; attempts: number; last_error: string | null }>(
        store.database,
        `select id, status, attempts, last_error from email_exports
       where id in (${ids.map((id) => `'${id}'`).join(",")}) order by requested_at, id`,
      );
    const exportedEvents = async (conversationId: string) =>
      (
        await rowsOf<{ n: number }>(
          store.database,
          `select count(*)::int as n from conversation_events
         where conversation_id = '${conversationId}' and type = 'exported'`,
        )
      )[0]?.n;
    /** Whether the conversation's last export time is set. */
    const exportTimeSet = async (conversationId: string) =>
      (
        await rowsOf<{ set: boolean }>(
          store.database,
          `select last_exported_at is not null as set from conversations where id = '${conversationId}'`,
        )
      )[0]?.set;
    const allSent = (ids: readonly string[]) => async () =>
      (await jobs(ids)).every((j) => j.status === "sent");

    beforeAll(async () => {
      store = await createServerDatabase(adminUrl, { prefix: "panel_crash", poolSize: 4 });
      smtp = await startSmtpReceiver();
      const { db } = store.database;
      teamId = await seedTeam(db, { name: "Crash team" });
      const admin = await seedMember(db, teamId, "admin", "管理員 Ada");
      adminSecret = (
        await issueCredential(db, { teamId, kind: "member", memberId: admin, client: "web" })
      ).secret;
      for (let i = 0; i < 5; i++) {
        const { conversationId } = await seedCustomer(db, teamId, {
          channel: "line",
          externalId: `U-mail-${i}`,
        });
        await seedMessages(db, teamId, conversationId, [
          "你好，我想查詢訂單",
          "您好，請稍候",
          `#${i}`,
        ]);
        conversations.push(conversationId);
      }
    });

    afterAll(async () => {
      await killAllStarted();
      await smtp?.close();
      await store?.drop();
    });

    it("killed between two deliveries, then in the middle of an SMTP transaction: every export is delivered exactly once and recorded once", async () => {
      const first = await start({ point: "before-send", nth: 3 });
      const ids: string[] = [];
      for (let i = 0; i < 6; i++) ids.push(await queue(first, conversations[i % 4] ?? ""));

      // Kill 1: two emails delivered and marked sent, the third claimed and not yet sent.
      const between = await first.line((l) => l.hold === "before-send");
      expect(smtp.accepted).toHaveLength(2);
      expect((await jobs(ids)).filter((j) => j.status === "sent")).toHaveLength(2);
      await killHard(first);

      // Kill 2: the SMTP server holds its answer to the next message, and the sender dies
      // waiting for it — the data arrived, 250 never went back, so it was never accepted.
      smtp.stallNext(1);
      const second = await start();
      const midTransaction = await smtp.nextStalled();
      await killHard(second);
      expect(midTransaction.exportId).not.toBeNull();
      expect(ids).toContain(midTransaction.exportId);
      const [interrupted] = await jobs([midTransaction.exportId ?? ""]);
      expect(interrupted).toMatchObject({ status: "pending" });

      // A third process takes the jobs once their claims expired and delivers the rest.
      const third = await start();
      expect(await until(allSent(ids), 60_000)).toBe(true);

      const copies = smtp.copiesByExport();
      expect(ids.map((id) => copies.get(id) ?? 0)).toEqual(ids.map(() => 1));
      expect(smtp.accepted).toHaveLength(ids.length);
      // Each completion recorded once: one `exported` entry per email, the last export time set.
      for (const [k, conversationId] of conversations.slice(0, 4).entries()) {
        const emails = ids.filter((_, i) => i % 4 === k).length;
        expect(await exportedEvents(conversationId)).toBe(emails);
        expect(await exportTimeSet(conversationId)).toBe(true);
      }
      const final = await jobs(ids);
      expect(final.find((j) => j.id === between.ref)?.attempts).toBeGreaterThanOrEqual(2);
      expect(final.find((j) => j.id === midTransaction.exportId)?.attempts).toBeGreaterThanOrEqual(
        2,
      );
      console.info(
        `[crash-email] ${ids.length} exports queued; kill 1 before the 3rd send (${between.ref}), ` +
          `kill 2 with export ${midTransaction.exportId} in its DATA phase (no 250); ` +
          `attempts per export ${final.map((j) => j.attempts).join(",")}; copies received ` +
          `${ids.map((id) => copies.get(id) ?? 0).join(",")}`,
      );
      expect(await stopGracefully(third)).toBe(0);
    });

    it("killed after the SMTP server accepted an email and before the outbox row was marked sent: sent again once, with the same Message-ID, and recorded once", async () => {
      const conversationId = conversations[4] ?? "";
      const before = smtp.accepted.length;
      const holding = await start({ point: "after-accept", nth: 1 });
      const exportId = await queue(holding, conversationId);
      const held = await holding.line((l) => l.hold === "after-accept");
      expect(held.ref).toBe(exportId);

      // Inside the window: the receiver has the email; the database does not know yet.
      expect(smtp.copiesByExport().get(exportId)).toBe(1);
      expect(await jobs([exportId])).toMatchObject([{ status: "pending", attempts: 1 }]);
      expect(await exportedEvents(conversationId)).toBe(0);
      expect(await exportTimeSet(conversationId)).toBe(false);
      await killHard(holding);

      const restarted = await start();
      expect(await until(allSent([exportId]), 60_000)).toBe(true);

      // The one duplicate the design allows: two copies, one Message-ID, the same email.
      const copies = smtp.accepted.slice(before).filter((m) => m.exportId === exportId);
      expect(copies).toHaveLength(2);
      expect(new Set(copies.map((m) => m.messageId))).toEqual(
        new Set([`<export-${exportId}@${FROM_DOMAIN}>`]),
      );
      const [a, b] = await Promise.all(copies.map((m) => simpleParser(m.raw)));
      expect(b?.subject).toBe(a?.subject);
      expect(b?.attachments[0]?.content.equals(a?.attachments[0]?.content ?? Buffer.alloc(0))).toBe(
        true,
      );
      // A receiver that drops a Message-ID it has seen shows the export once.
      expect(new Set(smtp.accepted.map((m) => m.messageId)).size).toBe(
        new Set(smtp.accepted.map((m) => m.exportId)).size,
      );
      // The database records the completion once.
      expect(await jobs([exportId])).toMatchObject([{ status: "sent", attempts: 2 }]);
      expect(await exportedEvents(conversationId)).toBe(1);
      expect(await exportTimeSet(conversationId)).toBe(true);
      console.info(
        `[crash-email] export ${exportId} killed after 250 / before commit: ${copies.length} copies, ` +
          `Message-IDs ${[...new Set(copies.map((m) => m.messageId))].join(" ")}`,
      );
      expect(await stopGracefully(restarted)).toBe(0);
    });

    it("a job whose every attempt was interrupted is marked failed by the next worker and never handed to SMTP again", async () => {
      const exportId = "00000000-0000-4000-8000-00000000c0de";
      await store.database.db.execute(
        `insert into email_exports (id, team_id, conversation_id, recipient, requested_by_name,
         requested_at, status, attempts, claimed_until)
       values ('${exportId}', '${teamId}', '${conversations[0]}', 'boss@example.com', 'Ada',
         now(), 'pending', 5, now() - interval '1 second')`,
      );
      const server = await start();
      expect(
        await until(async () => (await jobs([exportId]))[0]?.status === "failed", 30_000),
      ).toBe(true);
      const [job] = await jobs([exportId]);
      expect(job).toMatchObject({ status: "failed", attempts: 5 });
      expect(job?.last_error).toMatch(/interrupted/);
      expect(smtp.copiesByExport().get(exportId)).toBeUndefined();
      expect(await stopGracefully(server)).toBe(0);
    });
  },
);

if (postgresServers.length === 0) {
  describe("L7 email exports survive a SIGKILL of the API server", () => {
    it("runs only against a PostgreSQL server: TEST_DATABASE_URL is unset here (CI sets it)", () => {
      expect(process.env.TEST_DATABASE_URL).toBeUndefined();
    });
  });
}
