import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { createPanelClient } from "@customer-panel/client";
import type {
  Actor,
  CredentialId,
  IntegrationActor,
  MemberActor,
  MemberId,
  TeamId,
} from "@customer-panel/core";
import type { Database } from "@customer-panel/db";
import { seedCustomer, seedMember, seedTeam } from "@customer-panel/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, type Subscriber, subscribe } from "./fixtures/live-client.js";
import { createServerDatabase, postgresServers } from "./fixtures/server-database.js";

/**
 * B6 across processes: two API server processes on one PostgreSQL; a change ingested
 * through either reaches subscribers of both. PostgreSQL only (PGlite is one process),
 * so it runs where TEST_DATABASE_URL is set — in CI.
 */

const PACKAGE_DIR = fileURLToPath(new URL("..", import.meta.url));
const SERVER_SCRIPT = "test/fixtures/server-process.ts";
const SECRET = "fan-out test secret, long enough for HMAC";

/** A server process and the URL it printed. */
interface ServerProcess {
  readonly child: ChildProcess;
  readonly url: string;
  readonly stderr: string[];
}

const startServerProcess = async (env: Record<string, string>): Promise<ServerProcess> => {
  const child = spawn(process.execPath, ["--import", "tsx", SERVER_SCRIPT], {
    cwd: PACKAGE_DIR,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const stderr: string[] = [];
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => stderr.push(chunk));
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL line: ${stderr.join("")}`)), 30_000);
    child.once("exit", (code) => reject(new Error(`exited ${code}: ${stderr.join("")}`)));
    lines.on("line", (line) => {
      try {
        const { url } = JSON.parse(line) as { url?: unknown };
        if (typeof url === "string") {
          clearTimeout(timer);
          resolve(url);
        }
      } catch {
        // Not our line (a warning): keep reading.
      }
    });
  });
  return { child, url, stderr };
};

/** SIGTERM, then SIGKILL if it has not exited in 5 s; answers the exit code (null when killed). */
const stopServerProcess = async (child: ChildProcess): Promise<number | null> => {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  const exited = once(child, "exit") as Promise<[number | null, NodeJS.Signals | null]>;
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
  const [code] = await exited;
  clearTimeout(timer);
  return code;
};

describe.each(postgresServers)("B6 two-process fan-out on $name", ({ adminUrl }) => {
  let store: Awaited<ReturnType<typeof createServerDatabase>>;
  let database: Database;
  let serverA: ServerProcess;
  let serverB: ServerProcess;
  const subscribers: Subscriber[] = [];
  const tokens = new Map<Actor, string>();

  const seedFanoutTeam = async (visitorId: string) => {
    const teamId = (await seedTeam(database.db)) as TeamId;
    const member: MemberActor = {
      kind: "member",
      teamId,
      memberId: (await seedMember(database.db, teamId, "cs_agent", "客服 小美")) as MemberId,
      name: "客服 小美",
      role: "cs_agent",
      client: "web",
    };
    const integration: IntegrationActor = {
      kind: "integration",
      teamId,
      credentialId: randomUUID() as CredentialId,
    };
    tokens.set(member, randomUUID());
    tokens.set(integration, randomUUID());
    const { conversationId } = await seedCustomer(database.db, teamId, {
      channel: "webchat",
      externalId: visitorId,
    });
    return { teamId, conversationId, member, integration, visitorId };
  };

  let teamA: Awaited<ReturnType<typeof seedFanoutTeam>>;
  let teamB: Awaited<ReturnType<typeof seedFanoutTeam>>;
  const client = (server: ServerProcess, actor: Actor) =>
    createPanelClient({ url: server.url, token: tokens.get(actor) ?? "" });

  beforeAll(async () => {
    store = await createServerDatabase(adminUrl, { prefix: "panel_fanout" });
    database = store.database;
    teamA = await seedFanoutTeam("visitor-a");
    teamB = await seedFanoutTeam("visitor-b");
    const env = {
      DATABASE_URL: store.url,
      SECRET,
      TOKENS: JSON.stringify(Object.fromEntries([...tokens].map(([actor, t]) => [t, actor]))),
    };
    [serverA, serverB] = await Promise.all([startServerProcess(env), startServerProcess(env)]);
  });

  afterAll(async () => {
    for (const s of subscribers) s.unsubscribe();
    for (const s of [serverA, serverB]) if (s) await stopServerProcess(s.child);
    await store?.drop();
  });

  it("pageClosed through server A reaches a subscriber of server B as offline within 1 s; team B's subscriber on B receives nothing", async () => {
    expect(serverA.url).not.toBe(serverB.url);
    const onB = subscribe(client(serverB, teamA.member), {});
    const otherOnB = subscribe(client(serverB, teamB.member), {});
    subscribers.push(onB, otherOnB);
    const ingestA = client(serverA, teamA.integration).ingest;

    // Warm-up: both subscriptions are live on B once changes ingested through A reach them.
    let ready = false;
    for (let i = 0; i < 50 && !ready; i++) {
      await ingestA.pageVisit.mutate({ visitorId: "visitor-a", pageUrl: "https://shop.example/" });
      await client(serverA, teamB.integration).ingest.pageVisit.mutate({
        visitorId: "visitor-b",
        pageUrl: "https://b.example/",
      });
      ready =
        (await eventually(() => onB.received.length > 0, 200)) &&
        (await eventually(() => otherOnB.received.length > 0, 200));
    }
    expect(ready).toBe(true);
    const otherBefore = otherOnB.received.length;

    const since = onB.received.length;
    const sent = performance.now();
    await ingestA.pageClosed.mutate({ visitorId: "visitor-a" });
    const closed = await onB.next(
      (r) => r.change.kind === "presence" && r.change.conversationId === teamA.conversationId,
      { since, timeoutMs: 1_000 },
    );
    expect(closed).not.toBeNull();
    expect((closed?.at ?? Number.POSITIVE_INFINITY) - sent).toBeLessThan(1_000);
    // "offline": what B's panel now shows for the change it was told about.
    const panel = await client(serverB, teamA.member).panel.get.query({
      conversationId: teamA.conversationId,
    });
    expect(panel.lastPage?.status).toBe("offline");
    expect(panel.lastPage).not.toHaveProperty("pageUrl");

    // X2: team B's subscriber, live on the same server, heard nothing of it.
    await new Promise((r) => setTimeout(r, 200));
    expect(otherOnB.received.slice(otherBefore)).toEqual([]);
    expect(otherOnB.received.every((r) => r.change.teamId === teamB.teamId)).toBe(true);
    expect(onB.received.every((r) => r.change.teamId === teamA.teamId)).toBe(true);
    expect([...onB.errors, ...otherOnB.errors]).toEqual([]);
  });

  it("both processes exit cleanly on SIGTERM", async () => {
    for (const s of subscribers.splice(0)) s.unsubscribe();
    expect(await stopServerProcess(serverA.child)).toBe(0);
    expect(await stopServerProcess(serverB.child)).toBe(0);
  });
});

if (postgresServers.length === 0) {
  describe("B6 two-process fan-out", () => {
    it("runs only against a PostgreSQL server: TEST_DATABASE_URL is unset here (CI sets it)", () => {
      expect(process.env.TEST_DATABASE_URL).toBeUndefined();
    });
  });
}
