import { checkExportQuota, takeExportQuota } from "@customer-panel/db/repositories";
import { type EngineHandle, engines, seedTeam } from "@customer-panel/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorOf, seedWorld, startTestServer, type TestServer, type World } from "./harness.js";

const MAX_BODY = 16_000;
const MAX_BATCH = 5;
const EXPORTS_PER_MINUTE = 3;

describe.each(engines)(
  "export limit on $name: a sliding window per team, in the database",
  (engine) => {
    let handle: EngineHandle;
    beforeAll(async () => {
      handle = await engine.open();
    });
    afterAll(async () => {
      await handle?.dispose();
    });

    it("allows `limit` per window, then answers when to retry; teams are counted apart", async () => {
      const { db } = await handle.fresh();
      const a = await seedTeam(db, { name: "A" });
      const b = await seedTeam(db, { name: "B" });
      const quota = { limit: 2, windowMs: 10_000 };
      let now = 1_000_000;
      const take = (team: string) =>
        db.transaction((tx) => takeExportQuota(tx as never, team, quota, new Date(now)));
      expect(await take(a)).toEqual({ allowed: true });
      now += 4_000;
      expect(await take(a)).toEqual({ allowed: true });
      expect(await take(a)).toEqual({ allowed: false, retryAfterSeconds: 6 });
      expect(await take(b)).toEqual({ allowed: true });
      // The first export leaves the window after 10 s: one more is allowed, not two.
      now += 6_000;
      expect(await take(a)).toEqual({ allowed: true });
      expect(await take(a)).toEqual({ allowed: false, retryAfterSeconds: 4 });
    });

    it("refuses nonsense limits", () => {
      expect(() => checkExportQuota({ limit: 0, windowMs: 1 })).toThrow(RangeError);
      expect(() => checkExportQuota({ limit: 1, windowMs: 0 })).toThrow(RangeError);
    });
  },
);

describe.each(engines)("HTTP limits on $name", (engine) => {
  let handle: EngineHandle;
  let server: TestServer;
  let world: World;
  beforeAll(async () => {
    handle = await engine.open();
    server = await startTestServer(handle, {
      maxBodySize: MAX_BODY,
      maxBatchSize: MAX_BATCH,
      exportLimiter: { limit: EXPORTS_PER_MINUTE, windowMs: 60_000 },
    });
    world = await seedWorld(server);
  });
  afterAll(async () => {
    await server?.close();
    await handle?.dispose();
  });

  it("a body over maxBodySize → 413 PAYLOAD_TOO_LARGE, and nothing is written", async () => {
    const agent = server.client(world.teamA.members.cs_agent.secret);
    const { line } = world.teamA.conversations;
    const oversized = await errorOf(
      agent.profile.update.mutate({ customerId: line.customerId, note: "備".repeat(6_000) }),
    );
    expect(oversized.data).toMatchObject({ code: "PAYLOAD_TOO_LARGE", httpStatus: 413 });
    const raw = await fetch(`${server.url}/trpc/profile.update`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${world.teamA.members.cs_agent.secret}`,
        "content-type": "application/json",
      },
      body: JSON.stringify({ json: { customerId: line.customerId, note: "x".repeat(MAX_BODY) } }),
    });
    expect(raw.status).toBe(413);
    const panel = await agent.panel.get.query({ conversationId: line.conversationId });
    expect(panel.customer.note).toBeNull();
  });

  it("a batch over maxBatchSize → 400 BAD_REQUEST for the whole batch; at the limit it passes", async () => {
    const agent = server.client(world.teamA.members.cs_agent.secret);
    const { line } = world.teamA.conversations;
    const call = () => agent.panel.get.query({ conversationId: line.conversationId });
    // Calls made in the same tick travel as one batch.
    const atLimit = await Promise.all(Array.from({ length: MAX_BATCH }, call));
    expect(atLimit).toHaveLength(MAX_BATCH);
    const over = await Promise.allSettled(Array.from({ length: MAX_BATCH + 1 }, call));
    expect(over.every((r) => r.status === "rejected")).toBe(true);
    const first = over[0];
    if (first?.status !== "rejected") throw new Error("expected a rejection");
    expect(first.reason.data).toMatchObject({ code: "BAD_REQUEST", httpStatus: 400 });
    const paths = Array.from({ length: MAX_BATCH + 1 }, () => "panel.get").join(",");
    const input = Object.fromEntries(
      Array.from({ length: MAX_BATCH + 1 }, (_, i) => [
        i,
        { json: { conversationId: line.conversationId } },
      ]),
    );
    const raw = await fetch(
      `${server.url}/trpc/${paths}?batch=1&input=${encodeURIComponent(JSON.stringify(input))}`,
      { headers: { authorization: `Bearer ${world.teamA.members.cs_agent.secret}` } },
    );
    expect(raw.status).toBe(400);
  });

  it("R4 L7 an export flood → TOO_MANY_REQUESTS RATE_LIMITED per team; refused requests do not count", async () => {
    const range = { from: "2025-03-01", to: "2025-03-07" };
    // Refused by role: these never reach the limiter.
    for (let i = 0; i < EXPORTS_PER_MINUTE + 2; i++) {
      const refused = await errorOf(
        server.client(world.teamA.members.cs_agent.secret).tagReports.records.query(range),
      );
      expect(refused.data).toMatchObject({ domainCode: "ROLE_NOT_ALLOWED" });
    }
    const admin = server.client(world.teamA.members.admin.secret);
    await admin.tagReports.records.query(range);
    await admin.tagReports.stats.query(range);
    await admin.conversations.export.mutate({
      conversationId: world.teamA.conversations.line.conversationId,
      format: "csv",
    });
    const flooded = await errorOf(admin.tagReports.records.query(range));
    expect(flooded.data).toMatchObject({
      code: "TOO_MANY_REQUESTS",
      httpStatus: 429,
      domainCode: "RATE_LIMITED",
    });
    expect(flooded.message).toMatch(/try again in \d+ s/);
    // Another member of the same team shares the team's budget …
    const supervisor = await errorOf(
      server.client(world.teamA.members.supervisor.secret).tagReports.stats.query(range),
    );
    expect(supervisor.data).toMatchObject({ domainCode: "RATE_LIMITED" });
    // … another team has its own.
    const teamB = await server.client(world.teamB.admin.secret).tagReports.stats.query(range);
    expect(teamB.url).toMatch(/^\/downloads\//);
  });

  it.each([
    [
      "a tag name over 50 characters",
      "name",
      (s: TestServer, w: World) =>
        s.client(w.teamA.members.cs_agent.secret).tags.apply.mutate({
          customerId: w.teamA.conversations.line.customerId,
          name: "標".repeat(51),
        }),
    ],
    [
      "a search over 100 characters",
      "query",
      (s: TestServer, w: World) =>
        s
          .client(w.teamA.members.admin.secret)
          .conversations.search.query({ query: "查".repeat(101) }),
    ],
    [
      "a message over 10 000 characters",
      "content",
      (s: TestServer, w: World) =>
        s.client(w.teamA.integration.secret).ingest.message.mutate({
          identity: { channel: "line", externalUserId: "U-line-0001" },
          sender: "customer",
          content: "x".repeat(10_001),
        }),
    ],
  ])("P2 X4 %s → BAD_REQUEST VALIDATION_FAILED naming `%s`", async (_, field, call) => {
    const result = await errorOf(call(server, world));
    expect(result.data).toMatchObject({ code: "BAD_REQUEST", domainCode: "VALIDATION_FAILED" });
    expect(result.data?.fields?.map((f) => f.field)).toEqual([field]);
  });
});
