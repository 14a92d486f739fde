import { randomBytes } from "node:crypto";
import http from "node:http";
import type { MemberActor, MemberId, TeamId } from "@customer-panel/core";
import { type EngineHandle, engines, seedMessages } from "@customer-panel/db/testing";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDownloadLinks, hashDownloadToken } from "../src/download-links.js";
import {
  errorOf,
  type SeededMember,
  seedWorld,
  startTestServer,
  type TestServer,
  type World,
} from "./harness.js";

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** A calendar day in Asia/Taipei (the seeded teams' zone), `offset` days from today. */
const taipeiDay = (offset: number) =>
  new Date(Date.now() + offset * 86_400_000).toLocaleDateString("en-CA", {
    timeZone: "Asia/Taipei",
  });

const actorOf = (teamId: string, member: SeededMember, name: string): MemberActor => ({
  kind: "member",
  teamId: teamId as TeamId,
  memberId: member.id as MemberId,
  name,
  role: member.role,
  client: "web",
});

/** GETs a link; resolves with status, headers and the raw body. */
const download = async (server: TestServer, link: string) => {
  const res = await fetch(`${server.url}${link}`);
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
};

const sql = (server: TestServer, statement: string) => server.database.db.execute(statement);

describe.each(engines)("CSV downloads on $name", (engine) => {
  let handle: EngineHandle;
  beforeAll(async () => {
    handle = await engine.open();
  });
  afterAll(async () => handle?.dispose());

  describe("with one world", () => {
    let server: TestServer;
    let world: World;
    beforeAll(async () => {
      server = await startTestServer(handle);
      world = await seedWorld(server);
    });
    afterAll(async () => server?.close());

    const admin = () => server.client(world.teamA.members.admin.secret);

    describe("R1 a report covers at most 30 days", () => {
      it("31 days → BAD_REQUEST REPORT_RANGE_TOO_LONG naming `to`; 30 days → a link", async () => {
        const tooLong = await errorOf(
          admin().tagReports.records.query({ from: "2025-01-01", to: "2025-01-31" }),
        );
        expect(tooLong.data).toMatchObject({
          code: "BAD_REQUEST",
          domainCode: "REPORT_RANGE_TOO_LONG",
        });
        expect(tooLong.data?.fields?.map((f) => f.field)).toEqual(["to"]);
        const stats = await errorOf(
          admin().tagReports.stats.query({ from: "2025-01-01", to: "2025-01-31" }),
        );
        expect(stats.data).toMatchObject({ domainCode: "REPORT_RANGE_TOO_LONG" });
        const ok = await admin().tagReports.records.query({ from: "2025-01-01", to: "2025-01-30" });
        expect(ok.window.days).toBe(30);
        expect(ok.url).toMatch(/^\/downloads\/[A-Za-z0-9_-]{43}$/);
      });
    });

    describe("R3 R4 tagReports.records streams a UTF-8 CSV download", () => {
      it("the link → 200 text/csv with BOM, a file name, no-store, and one row per application", async () => {
        const agent = server.client(world.teamA.members.cs_agent.secret);
        const { line, whatsapp } = world.teamA.conversations;
        await agent.tags.apply.mutate({
          customerId: line.customerId,
          conversationId: line.conversationId,
          name: "VIP客戶",
        });
        await agent.tags.apply.mutate({
          customerId: line.customerId,
          conversationId: line.conversationId,
          name: "VIP客戶",
          confirm: true,
        });
        await agent.tags.apply.mutate({ customerId: whatsapp.customerId, name: "=1+2" });

        const link = await admin().tagReports.records.query({
          from: taipeiDay(-1),
          to: taipeiDay(1),
        });
        expect(link.fileName).toBe(`tag-records-${taipeiDay(-1)}_${taipeiDay(1)}.csv`);
        expect(link.expiresAt.getTime()).toBeGreaterThan(Date.now());
        const res = await download(server, link.url);
        expect(res.status).toBe(200);
        expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
        expect(res.headers.get("cache-control")).toBe("no-store");
        expect(res.headers.get("content-disposition")).toBe(
          `attachment; filename="${link.fileName}"; filename*=UTF-8''${link.fileName}`,
        );
        expect(res.body.subarray(0, 3).equals(BOM)).toBe(true);
        const rows = parse(res.body, { bom: true, columns: true }) as Record<string, string>[];
        expect(rows).toHaveLength(3);
        // R4: a cell that would start a formula is neutralised.
        expect(rows.map((r) => r.tag).sort()).toEqual(["'=1+2", "VIP客戶", "VIP客戶"].sort());
        const vip = rows.filter((r) => r.tag === "VIP客戶");
        expect(vip.every((r) => r.channel === "line" && r.method === "manual")).toBe(true);
        expect(vip.every((r) => r.member === "客服 小美" && r.customer_name === "陳大文")).toBe(
          true,
        );
      });

      it("tagReports.stats: applications and distinct customers per tag", async () => {
        const link = await admin().tagReports.stats.query({
          from: taipeiDay(-1),
          to: taipeiDay(1),
        });
        const res = await download(server, link.url);
        expect(res.status).toBe(200);
        const rows = parse(res.body, { bom: true, columns: true }) as Record<string, string>[];
        expect(rows.find((r) => r.tag === "VIP客戶")).toMatchObject({
          applications: "2",
          customers: "1",
        });
      });

      it("X1 a role without tag reports is refused before any link is made", async () => {
        const result = await errorOf(
          server
            .client(world.teamA.members.cs_agent.secret)
            .tagReports.records.query({ from: taipeiDay(0), to: taipeiDay(0) }),
        );
        expect(result.data).toMatchObject({ code: "FORBIDDEN", domainCode: "ROLE_NOT_ALLOWED" });
      });
    });

    describe("links are opaque, expiring and unguessable: every unusable link is the same 404", () => {
      const linksOf = (now?: () => number) =>
        createDownloadLinks(
          server.database,
          { limit: 1_000, windowMs: 60_000 },
          { ...(now && { now }) },
        );
      const made = async (now?: () => number) => {
        const adminActor = actorOf(world.teamA.id, world.teamA.members.admin, "管理員 Ada");
        const request = { kind: "tagRecords" as const, from: taipeiDay(-1), to: taipeiDay(1) };
        const answer = await linksOf(now).create(adminActor, request, "x.csv");
        if (!answer.allowed) throw new Error("expected a link");
        return answer.link;
      };

      it("forged, tampered, expired and garbage tokens → 404 with one body", async () => {
        const valid = await made();
        expect((await download(server, valid.url)).status).toBe(200);
        const token = valid.url.slice("/downloads/".length);
        const forged = `/downloads/${randomBytes(32).toString("base64url")}`;
        const flipped = `${token.slice(0, -1)}${token.endsWith("A") ? "B" : "A"}`;
        const expired = (await made(() => Date.now() - 61_000)).url;
        const bodies = new Set<string>();
        for (const link of [
          forged,
          `/downloads/${flipped}`,
          expired,
          "/downloads/garbage",
          "/downloads/",
          `${valid.url}x`,
          `${valid.url}/extra`,
        ]) {
          const res = await download(server, link);
          expect(res.status, link).toBe(404);
          expect(res.headers.get("content-type")).toMatch(/^application\/json/);
          bodies.add(res.body.toString("utf8"));
        }
        expect(bodies.size).toBe(1);
      });

      it("a link's URL carries 32 random bytes and no team, member, name or role", async () => {
        const admin = server.client(world.teamA.members.admin.secret);
        const link = await admin.tagReports.records.query({
          from: taipeiDay(-1),
          to: taipeiDay(0),
        });
        expect(link.url).toMatch(/^\/downloads\/[A-Za-z0-9_-]{43}$/);
        const token = link.url.slice("/downloads/".length);
        const decoded = Buffer.from(token, "base64url");
        expect(decoded).toHaveLength(32);
        const text = `${link.url} ${decoded.toString("utf8")} ${decoded.toString("latin1")}`;
        for (const secretive of [
          world.teamA.id,
          world.teamA.members.admin.id,
          "管理員",
          "Ada",
          "admin",
          Buffer.from(world.teamA.id).toString("base64url"),
        ]) {
          expect(text).not.toContain(secretive);
        }
        // The database keeps only the token's hash.
        const rows = (await sql(server, "select token_hash from download_links")) as unknown as {
          rows: { token_hash: string }[];
        };
        expect(rows.rows.map((r) => r.token_hash)).not.toContain(token);
        expect(rows.rows.map((r) => r.token_hash)).toContain(hashDownloadToken(token));
      });
    });

    describe("L7 the last export time changes only when a CSV export really completed", () => {
      it("null before; still null after a download the client abandons half-way; set after a full one", async () => {
        const ingest = server.client(world.teamA.integration.secret);
        const big = await ingest.ingest.message.mutate({
          identity: { channel: "line", externalUserId: "U-line-big" },
          sender: "customer",
          content: "很長的對話",
        });
        // ~6 MB of CSV: far more than the sockets buffer, so an abort happens mid-stream.
        const body = "對話內容 conversation text ".repeat(110);
        await seedMessages(
          server.database.db,
          world.teamA.id,
          big.conversationId,
          Array.from({ length: 2_000 }, (_, i) => `${i} ${body}`),
        );
        const lastExport = async () =>
          (await admin().panel.get.query({ conversationId: big.conversationId })).conversation
            .lastExportedAt;
        expect(await lastExport()).toBeNull();

        const exported = await admin().conversations.export.mutate({
          conversationId: big.conversationId,
          format: "csv",
        });
        expect(exported.format).toBe("csv");
        if (exported.format !== "csv") throw new Error("unreachable");

        const abortedSettled = server.nextDownloadSettled();
        await new Promise<void>((resolve, reject) => {
          const req = http.get(`${server.url}${exported.url}`, (res) => {
            expect(res.statusCode).toBe(200);
            res.once("data", () => {
              req.destroy();
              resolve();
            });
          });
          req.on("error", (error) => {
            if (!req.destroyed) reject(error);
          });
        });
        expect(await abortedSettled).toEqual({ kind: "conversation", outcome: "aborted" });
        expect(await lastExport()).toBeNull();

        const completedSettled = server.nextDownloadSettled();
        const res = await download(server, exported.url);
        expect(res.status).toBe(200);
        expect(res.headers.get("content-disposition")).toContain(`filename="${exported.fileName}"`);
        expect(await completedSettled).toEqual({ kind: "conversation", outcome: "completed" });
        const rows = parse(res.body, { bom: true, columns: true }) as Record<string, string>[];
        expect(rows).toHaveLength(2_001);
        // Oldest first: the seeded messages (2025) before the one ingested now.
        expect(rows[0]?.content).toMatch(/^0 對話內容/);
        expect(rows[2_000]).toMatchObject({ sender_type: "customer", content: "很長的對話" });
        const at = await lastExport();
        expect(at).toBeInstanceOf(Date);
        expect(Math.abs((at as Date).getTime() - Date.now())).toBeLessThan(60_000);
      });

      it("L7 CSV columns: time, sender type, the agent's name on agent rows only, content", async () => {
        const { line } = world.teamA.conversations;
        const exported = await admin().conversations.export.mutate({
          conversationId: line.conversationId,
          format: "csv",
        });
        if (exported.format !== "csv") throw new Error("expected a CSV link");
        const res = await download(server, exported.url);
        const rows = parse(res.body, { bom: true }) as string[][];
        expect(rows[0]).toEqual(["time", "sender_type", "name", "content", "utc_offset"]);
        expect(rows.slice(1).map((r) => r.slice(1))).toEqual([
          ["customer", "", "你好，我想查詢訂單", "+08:00"],
          ["agent", "客服 小美", "您好，請提供訂單編號，謝謝！", "+08:00"],
          ["bot", "", "感謝您的耐心等候", "+08:00"],
        ]);
        expect(rows[1]?.[0]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
      });
    });

    describe("L8 only admin exports, never from the app client", () => {
      it("a supervisor → FORBIDDEN ROLE_NOT_ALLOWED; admin on the app client → CLIENT_NOT_SUPPORTED", async () => {
        const { line } = world.teamA.conversations;
        const input = { conversationId: line.conversationId, format: "csv" as const };
        const supervisor = await errorOf(
          server.client(world.teamA.members.supervisor.secret).conversations.export.mutate(input),
        );
        expect(supervisor.data).toMatchObject({
          code: "FORBIDDEN",
          domainCode: "ROLE_NOT_ALLOWED",
        });
        const app = await errorOf(
          server.client(world.teamA.appAdmin.secret).conversations.export.mutate(input),
        );
        expect(app.data).toMatchObject({ code: "FORBIDDEN", domainCode: "CLIENT_NOT_SUPPORTED" });
        // The same admin on the web client may.
        const web = await admin().conversations.export.mutate(input);
        expect(web.format).toBe("csv");
      });

      it("X2 a link can not reach another team's conversation", async () => {
        const adminActor = actorOf(world.teamA.id, world.teamA.members.admin, "管理員 Ada");
        const answer = await createDownloadLinks(server.database, {
          limit: 1_000,
          windowMs: 60_000,
        }).create(
          adminActor,
          {
            kind: "conversation",
            conversationId: world.teamB.conversations.line.conversationId as never,
          },
          "x.csv",
        );
        if (!answer.allowed) throw new Error("expected a link");
        const link = answer.link;
        const res = await download(server, link.url);
        expect(res.status).toBe(404);
        expect(JSON.parse(res.body.toString("utf8"))).toMatchObject({ code: "NOT_FOUND" });
      });
    });
  });

  describe("L8 a link is authorised again when it is used", () => {
    let server: TestServer;
    let world: World;
    beforeAll(async () => {
      server = await startTestServer(handle);
      world = await seedWorld(server);
    });
    afterAll(async () => server?.close());

    const setExportFeature = (on: boolean) =>
      sql(
        server,
        `update teams set feature_conversation_export = ${on} where id = '${world.teamA.id}'`,
      );

    it("feature off → FEATURE_NOT_ENABLED; a link made before it was turned off no longer downloads (403)", async () => {
      const admin = server.client(world.teamA.members.admin.secret);
      const { line } = world.teamA.conversations;
      const link = await admin.conversations.export.mutate({
        conversationId: line.conversationId,
        format: "csv",
      });
      if (link.format !== "csv") throw new Error("expected a CSV link");
      await setExportFeature(false);
      try {
        const refused = await errorOf(
          admin.conversations.export.mutate({ conversationId: line.conversationId, format: "csv" }),
        );
        expect(refused.data).toMatchObject({
          code: "FORBIDDEN",
          domainCode: "FEATURE_NOT_ENABLED",
        });
        const res = await download(server, link.url);
        expect(res.status).toBe(403);
        expect(res.headers.get("content-type")).toMatch(/^application\/json/);
        expect(JSON.parse(res.body.toString("utf8"))).toEqual({
          code: "FEATURE_NOT_ENABLED",
          message: expect.any(String),
        });
        const panel = await admin.panel.get.query({ conversationId: line.conversationId });
        expect(panel.conversation.lastExportedAt).toBeNull();
      } finally {
        await setExportFeature(true);
      }
      expect((await download(server, link.url)).status).toBe(200);
    });

    it("X1 a member demoted after the link was made → 403 ROLE_NOT_ALLOWED", async () => {
      const supervisor = server.client(world.teamA.members.supervisor.secret);
      const link = await supervisor.tagReports.stats.query({
        from: taipeiDay(0),
        to: taipeiDay(0),
      });
      expect((await download(server, link.url)).status).toBe(200);
      await sql(
        server,
        `update members set role = 'cs_agent' where id = '${world.teamA.members.supervisor.id}'`,
      );
      const res = await download(server, link.url);
      expect(res.status).toBe(403);
      expect(JSON.parse(res.body.toString("utf8"))).toMatchObject({ code: "ROLE_NOT_ALLOWED" });
    });
  });
});
