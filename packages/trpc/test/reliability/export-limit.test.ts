import { type EngineHandle, engines } from "@customer-panel/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedWorld, startTestServer, type TestServer, type World } from "../harness.js";

/**
 * Issue 14 H: a refused export changes nothing (X4), and the export limit is one per team
 * across every server process on the database, answered 429 with `Retry-After`.
 */

const LIMIT = 10;

const rowsOf = async (server: TestServer, statement: string) =>
  ((await server.database.db.execute(statement)) as unknown as { rows: Record<string, unknown>[] })
    .rows;

/** `conversations.export` by email over raw HTTP: status, Retry-After and body. */
const emailExport = async (url: string, secret: string, conversationId: string) => {
  const res = await fetch(`${url}/trpc/conversations.export`, {
    method: "POST",
    headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
    body: JSON.stringify({ json: { conversationId, format: "email", to: "boss@example.com" } }),
  });
  return { status: res.status, retryAfter: res.headers.get("retry-after"), body: await res.text() };
};

describe.each(engines)("H export limit on $name", (engine) => {
  let handle: EngineHandle;
  let first: TestServer;
  let second: TestServer;
  let world: World;
  beforeAll(async () => {
    handle = await engine.open();
    const limiter = { limit: LIMIT, windowMs: 60_000 };
    first = await startTestServer(handle, { exportLimiter: limiter });
    // A second server process on the same database: the limit is the team's, not the process's.
    second = await startTestServer(first.database, { exportLimiter: limiter });
    world = await seedWorld(first);
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
    await handle?.dispose();
  });

  it("14 email exports over two servers → 10 queued, 4 × 429 with Retry-After, and 10 outbox rows", async () => {
    const { secret } = world.teamA.members.admin;
    const { conversationId } = world.teamA.conversations.line;
    const answers = [];
    for (let i = 0; i < 14; i++) {
      const server = i % 2 === 0 ? first : second;
      answers.push(await emailExport(server.url, secret, conversationId));
    }
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(LIMIT);
    const refused = answers.filter((a) => a.status === 429);
    expect(refused).toHaveLength(4);
    for (const answer of refused) {
      expect(Number(answer.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(Number(answer.retryAfter)).toBeLessThanOrEqual(60);
      expect(answer.body).toContain("RATE_LIMITED");
    }
    const [row] = await rowsOf(first, "select count(*)::int as n from email_exports");
    expect(row?.n).toBe(LIMIT);
  });

  it("X4 exports refused by role take nothing from the team's limit", async () => {
    const { conversationId } = world.teamB.conversations.line;
    const agent = world.teamA.members.cs_agent.secret;
    for (let i = 0; i < LIMIT + 2; i++) {
      const refused = await emailExport(
        first.url,
        agent,
        world.teamA.conversations.line.conversationId,
      );
      expect(refused.status).toBe(403);
    }
    // Team B has its own limit, untouched by team A's flood.
    const answers = [];
    for (let i = 0; i < LIMIT; i++) {
      answers.push(await emailExport(second.url, world.teamB.admin.secret, conversationId));
    }
    expect(answers.map((a) => a.status)).toEqual(Array.from({ length: LIMIT }, () => 200));
  });
});
