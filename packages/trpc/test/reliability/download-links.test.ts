import net from "node:net";
import {
  type EngineHandle,
  engines,
  seedMember,
  seedMessages,
  serverEngine,
} from "@customer-panel/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueCredential, revokeCredential } from "../../src/index.js";
import { seedWorld, startTestServer, type TestServer, type World } from "../harness.js";

/**
 * Issue 14 A, G and "links are readable": a link ends with the credential that made it
 * and with its member; links are bounded (concurrency per process and per team, a stall
 * timeout) and every use of a link counts against the team's export limit.
 */

const taipeiDay = (offset: number) =>
  new Date(Date.now() + offset * 86_400_000).toLocaleDateString("en-CA", {
    timeZone: "Asia/Taipei",
  });

const download = async (server: TestServer, link: string) => {
  const res = await fetch(`${server.url}${link}`);
  return { status: res.status, retryAfter: res.headers.get("retry-after"), body: await res.text() };
};

describe.each(engines)("A revocation reaches download links on $name", (engine) => {
  let handle: EngineHandle;
  let server: TestServer;
  let world: World;
  beforeAll(async () => {
    handle = await engine.open();
    server = await startTestServer(handle);
    world = await seedWorld(server);
  });
  afterAll(async () => {
    await server?.close();
    await handle?.dispose();
  });

  /** A second admin of team A with a token of their own. */
  const anotherAdmin = async (name: string) => {
    const { db } = server.database;
    const id = await seedMember(db, world.teamA.id, "admin", name);
    const credential = await issueCredential(db, {
      teamId: world.teamA.id,
      kind: "member",
      memberId: id,
      client: "web",
    });
    return { id, credentialId: credential.id, secret: credential.secret };
  };

  const linksOf = async (secret: string) => {
    const admin = server.client(secret);
    const csv = await admin.conversations.export.mutate({
      conversationId: world.teamA.conversations.line.conversationId,
      format: "csv",
    });
    if (csv.format !== "csv") throw new Error("expected a CSV link");
    const stats = await admin.tagReports.stats.query({ from: taipeiDay(-1), to: taipeiDay(0) });
    return [csv.url, stats.url];
  };

  it("a revoked credential: its earlier CSV and tag-stats links → 404, like the API's 401", async () => {
    const admin = await anotherAdmin("管理員 Rev");
    const links = await linksOf(admin.secret);
    // A link made by another credential of the same member is not the revoked one's.
    expect(await revokeCredential(server.database.db, admin.credentialId)).toBe(true);
    for (const link of links) {
      const res = await download(server, link);
      expect(res.status, link).toBe(404);
      expect(JSON.parse(res.body)).toMatchObject({ code: "NOT_FOUND" });
    }
  });

  it("a removed member: their earlier links → 404", async () => {
    const admin = await anotherAdmin("管理員 Gone");
    const links = await linksOf(admin.secret);
    await server.database.db.execute(
      `delete from members where id = '${admin.id}' and team_id = '${world.teamA.id}'`,
    );
    for (const link of links) expect((await download(server, link)).status, link).toBe(404);
  });

  it("a link still works for its member while the credential is active", async () => {
    const admin = await anotherAdmin("管理員 Ok");
    for (const link of await linksOf(admin.secret)) {
      expect((await download(server, link)).status, link).toBe(200);
    }
  });
});

describe.each(engines)(
  "G every use of a link counts against the export limit on $name",
  (engine) => {
    let handle: EngineHandle;
    let server: TestServer;
    let world: World;
    beforeAll(async () => {
      handle = await engine.open();
      server = await startTestServer(handle, { exportLimiter: { limit: 10, windowMs: 60_000 } });
      world = await seedWorld(server);
    });
    afterAll(async () => {
      await server?.close();
      await handle?.dispose();
    });

    it("one link replayed: 10 uses in the minute (the first paid when it was made), the 11th → 429 with Retry-After", async () => {
      const admin = server.client(world.teamA.members.admin.secret);
      const link = await admin.conversations.export.mutate({
        conversationId: world.teamA.conversations.line.conversationId,
        format: "csv",
      });
      if (link.format !== "csv") throw new Error("expected a CSV link");
      const statuses: number[] = [];
      for (let i = 0; i < 10; i++) statuses.push((await download(server, link.url)).status);
      expect(statuses).toEqual(Array.from({ length: 10 }, () => 200));
      const refused = await download(server, link.url);
      expect(refused.status).toBe(429);
      expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(JSON.parse(refused.body)).toMatchObject({ code: "RATE_LIMITED" });
      // The refusal consumed nothing: the team's next link is refused too, not queued.
      const next = await fetch(
        `${server.url}/trpc/tagReports.stats?input=${encodeURIComponent(
          JSON.stringify({ json: { from: taipeiDay(-1), to: taipeiDay(0) } }),
        )}`,
        { headers: { authorization: `Bearer ${world.teamA.members.admin.secret}` } },
      );
      expect(next.status).toBe(429);
      expect(Number(next.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      // Another team has its own limit.
      const teamB = server.client(world.teamB.admin.secret);
      expect(
        (await teamB.tagReports.stats.query({ from: taipeiDay(-1), to: taipeiDay(0) })).url,
      ).toMatch(/^\/downloads\//);
    });
  },
);

/** A raw HTTP client that sends a GET and reads only the first packet, then never again. */
const stalledGet = (url: string, path: string) =>
  new Promise<{ status: number; head: string; socket: net.Socket }>((resolve, reject) => {
    const { hostname, port } = new URL(url);
    const socket = net.connect({ host: hostname, port: Number(port) }, () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: ${hostname}\r\n\r\n`);
    });
    socket.once("error", reject);
    socket.once("data", (first: Buffer) => {
      socket.pause();
      const head = first.subarray(0, 2_000).toString("latin1");
      resolve({ status: Number(head.slice(9, 12)), head, socket });
    });
  });

const STALL_MS = 2_000;

const until = async (check: () => Promise<boolean>, limitMs: number) => {
  const end = Date.now() + limitMs;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
};

describe.each(serverEngine ? [serverEngine] : [])(
  "G stalled downloads do not starve the API on $name",
  (engine) => {
    let handle: EngineHandle;
    let server: TestServer;
    let world: World;
    let bigConversationId: string;
    const sockets: net.Socket[] = [];
    beforeAll(async () => {
      handle = await engine.open();
      server = await startTestServer(handle, {
        downloadRoute: { maxConcurrent: 4, maxPerTeam: 3, stallTimeoutMs: STALL_MS },
      });
      world = await seedWorld(server);
      const ingest = server.client(world.teamA.integration.secret);
      const big = await ingest.ingest.message.mutate({
        identity: { channel: "line", externalUserId: "U-line-huge" },
        sender: "customer",
        content: "很長的對話",
      });
      bigConversationId = big.conversationId;
      // ≈ 20 MB of CSV: far more than the sockets of a client that never reads buffer.
      const body = "對話內容 conversation text ".repeat(230);
      const contents = Array.from({ length: 3_000 }, (_, i) => `${i} ${body}`);
      await seedMessages(server.database.db, world.teamA.id, bigConversationId, contents);
      const { conversationId: inB } = world.teamB.conversations.line;
      await seedMessages(server.database.db, world.teamB.id, inB, contents);
    }, 120_000);
    afterAll(async () => {
      for (const socket of sockets) socket.destroy();
      await server?.close();
      await handle?.dispose();
    });

    it("12 downloads that never read: bounded per team and per process (429 + Retry-After), another team's panel.get stays prompt, stalled ones are cut and free their connections", async () => {
      const admin = server.client(world.teamA.members.admin.secret);
      const links: string[] = [];
      for (let i = 0; i < 12; i++) {
        const link = await admin.conversations.export.mutate({
          conversationId: bigConversationId,
          format: "csv",
        });
        if (link.format !== "csv") throw new Error("expected a CSV link");
        links.push(link.url);
      }
      const answers = [];
      for (const link of links) {
        const answer = await stalledGet(server.url, link);
        sockets.push(answer.socket);
        answers.push(answer);
      }
      const statuses = answers.map((a) => a.status);
      // Team A: 3 stream (and stall), the other 9 are refused at once.
      expect(statuses.filter((s) => s === 200)).toHaveLength(3);
      const refused = answers.filter((a) => a.status === 429);
      expect(refused).toHaveLength(9);
      for (const answer of refused) {
        expect(answer.head).toMatch(/\r\nretry-after: \d+\r\n/i);
        expect(answer.head).toContain("TOO_MANY_DOWNLOADS");
      }
      // Team B's first download takes the process's 4th slot; its second finds the process full.
      const teamB = server.client(world.teamB.admin.secret);
      const bAnswers = [];
      for (let i = 0; i < 2; i++) {
        const link = await teamB.conversations.export.mutate({
          conversationId: world.teamB.conversations.line.conversationId,
          format: "csv",
        });
        if (link.format !== "csv") throw new Error("expected a CSV link");
        const answer = await stalledGet(server.url, link.url);
        sockets.push(answer.socket);
        bAnswers.push(answer);
      }
      expect(bAnswers.map((a) => a.status)).toEqual([200, 429]);
      expect(bAnswers[1]?.head).toMatch(/\r\nretry-after: \d+\r\n/i);

      // While four downloads stall, another member's panel.get answers (a generous bound).
      const started = Date.now();
      const panel = await teamB.panel.get.query({
        conversationId: world.teamB.conversations.line.conversationId,
      });
      expect(panel.conversation.id).toBe(world.teamB.conversations.line.conversationId);
      expect(Date.now() - started).toBeLessThan(5_000);

      // After the stall timeout the stalled downloads are cut: no COPY is left on the server,
      // and team A downloads again.
      const copies = async () => {
        const result = (await server.database.db.execute(
          "select count(*)::int as n from pg_stat_activity where datname = current_database() and query ilike 'copy%' and state = 'active'",
        )) as unknown as { rows: { n: number }[] };
        return result.rows[0]?.n ?? -1;
      };
      expect(await until(async () => (await copies()) === 0, 20_000)).toBe(true);
      const again = await admin.conversations.export.mutate({
        conversationId: world.teamA.conversations.line.conversationId,
        format: "csv",
      });
      if (again.format !== "csv") throw new Error("expected a CSV link");
      expect(
        await until(async () => (await download(server, again.url)).status === 200, 20_000),
      ).toBe(true);
      expect(server.errors).toEqual([]);
    }, 120_000);
  },
);

if (!serverEngine) {
  describe("G stalled downloads do not starve the API", () => {
    it("runs only against a PostgreSQL server: TEST_DATABASE_URL is unset here (CI sets it)", () => {
      expect(process.env.TEST_DATABASE_URL).toBeUndefined();
    });
  });
}
