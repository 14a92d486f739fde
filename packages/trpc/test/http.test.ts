import { randomUUID } from "node:crypto";
import http from "node:http";
import { type EngineHandle, engines } from "@customer-panel/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { revokeCredential } from "../src/index.js";
import { errorOf, seedWorld, startTestServer, type TestServer, type World } from "./harness.js";

describe.each(engines)("tRPC over HTTP on $name", (engine) => {
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

  const trpcGet = (path: string, input: unknown, headers: Record<string, string>) =>
    fetch(
      `${server.url}/trpc/${path}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`,
      { headers },
    );

  describe("X1 authentication: no, revoked or malformed credentials are UNAUTHORIZED", () => {
    it("no credential → UNAUTHORIZED, for members and integrations", async () => {
      const anonymous = server.client(null);
      const { line } = world.teamA.conversations;
      const panel = await errorOf(
        anonymous.panel.get.query({ conversationId: line.conversationId }),
      );
      expect(panel.data).toMatchObject({ code: "UNAUTHORIZED", httpStatus: 401 });
      const ingest = await errorOf(
        anonymous.ingest.pageClosed.mutate({ visitorId: "visitor-0001" }),
      );
      expect(ingest.data).toMatchObject({ code: "UNAUTHORIZED" });
    });

    it("a revoked credential → UNAUTHORIZED at once", async () => {
      const { db } = server.database;
      const member = world.teamA.members.cs_agent;
      const { line } = world.teamA.conversations;
      const before = await server
        .client(member.secret)
        .panel.get.query({ conversationId: line.conversationId });
      expect(before.conversation.id).toBe(line.conversationId);
      // A credential of its own, so the other tests keep theirs.
      const { issueCredential } = await import("../src/index.js");
      const extra = await issueCredential(db, {
        teamId: world.teamA.id,
        kind: "member",
        memberId: member.id,
        client: "web",
      });
      await server.client(extra.secret).panel.get.query({ conversationId: line.conversationId });
      expect(await revokeCredential(db, extra.id)).toBe(true);
      expect(await revokeCredential(db, extra.id)).toBe(false);
      const after = await errorOf(
        server.client(extra.secret).panel.get.query({ conversationId: line.conversationId }),
      );
      expect(after.data).toMatchObject({ code: "UNAUTHORIZED" });
    });

    it.each([
      ["an empty bearer", { authorization: "Bearer " }],
      ["a bare scheme", { authorization: "Bearer" }],
      ["another scheme", { authorization: "Basic dXNlcjpwYXNz" }],
      ["two tokens", { authorization: "Bearer aaa bbb" }],
      ["a token of the wrong length", { authorization: `Bearer ${"a".repeat(42)}` }],
      ["a well-formed unknown token", { authorization: `Bearer ${"a".repeat(43)}` }],
      ["non-base64url characters", { authorization: `Bearer ${"%".repeat(43)}` }],
      ["an API key of the wrong length", { "x-api-key": "short" }],
    ])("%s → 401 UNAUTHORIZED, never a 500", async (_, headers) => {
      const { line } = world.teamA.conversations;
      const res = await trpcGet("panel.get", { conversationId: line.conversationId }, headers);
      expect(res.status).toBe(401);
      const body = (await res.json()) as { error: { json: { data: { code: string } } } };
      expect(body.error.json.data.code).toBe("UNAUTHORIZED");
    });

    it("a member's token sent as X-Api-Key, or two credentials at once → UNAUTHORIZED", async () => {
      const { line } = world.teamA.conversations;
      const asKey = await trpcGet(
        "panel.get",
        { conversationId: line.conversationId },
        { "x-api-key": world.teamA.members.admin.secret },
      );
      expect(asKey.status).toBe(401);
      const both = await trpcGet(
        "panel.get",
        { conversationId: line.conversationId },
        {
          authorization: `Bearer ${world.teamA.members.admin.secret}`,
          "x-api-key": world.teamA.integration.secret,
        },
      );
      expect(both.status).toBe(401);
    });
  });

  describe("X1 members and integrations each have their own procedures", () => {
    it("an integration key on a member procedure → FORBIDDEN", async () => {
      const { line } = world.teamA.conversations;
      const viaBearer = await errorOf(
        server
          .client(world.teamA.integration.secret)
          .panel.get.query({ conversationId: line.conversationId }),
      );
      expect(viaBearer.data).toMatchObject({ code: "FORBIDDEN", httpStatus: 403 });
      const viaKey = await errorOf(
        server
          .client(world.teamA.integration.secret, { via: "apiKey" })
          .tags.suggest.query({ query: "" }),
      );
      expect(viaKey.data).toMatchObject({ code: "FORBIDDEN" });
    });

    it("a member token on an integration procedure → FORBIDDEN", async () => {
      const result = await errorOf(
        server.client(world.teamA.members.admin.secret).ingest.message.mutate({
          identity: { channel: "line", externalUserId: "U-line-0001" },
          sender: "customer",
          content: "冒充整合",
        }),
      );
      expect(result.data).toMatchObject({ code: "FORBIDDEN" });
    });
  });

  describe("X1 X2 team, role and client come only from the credential", () => {
    it("an input naming teamId → BAD_REQUEST VALIDATION_FAILED naming teamId", async () => {
      const { line } = world.teamA.conversations;
      const admin = server.client(world.teamA.members.admin.secret);
      const result = await errorOf(
        admin.panel.get.query({
          conversationId: line.conversationId,
          teamId: world.teamB.id,
        } as never),
      );
      expect(result.data).toMatchObject({ code: "BAD_REQUEST", domainCode: "VALIDATION_FAILED" });
      expect(result.data?.fields?.map((f) => f.field)).toContain("teamId");
    });

    it.each(["role", "client"])("an input naming %s is refused the same way", async (key) => {
      const admin = server.client(world.teamA.members.cs_agent.secret);
      const result = await errorOf(
        admin.preferences.setPanelHidden.mutate({ hidden: true, [key]: "admin" } as never),
      );
      expect(result.data).toMatchObject({ domainCode: "VALIDATION_FAILED" });
      expect(result.data?.fields?.map((f) => f.field)).toEqual([key]);
    });

    it("X2 another team's conversation id answers exactly like a random id: NOT_FOUND", async () => {
      const admin = server.client(world.teamA.members.admin.secret);
      const foreign = await errorOf(
        admin.panel.get.query({ conversationId: world.teamB.conversations.line.conversationId }),
      );
      const random = await errorOf(admin.panel.get.query({ conversationId: randomUUID() }));
      expect(foreign.data).toMatchObject({ code: "NOT_FOUND", domainCode: "NOT_FOUND" });
      expect(foreign.message).toBe(random.message);
      expect({ ...foreign.data, path: null }).toEqual({ ...random.data, path: null });
      // And team B's own admin does see it: the id is real.
      const own = await server
        .client(world.teamB.admin.secret)
        .panel.get.query({ conversationId: world.teamB.conversations.line.conversationId });
      expect(own.conversation.id).toBe(world.teamB.conversations.line.conversationId);
    });

    it("X2 an integration key writes into its own team only", async () => {
      // The same external user id in team B is another customer of another team.
      const inB = await server.client(world.teamB.integration.secret).ingest.message.mutate({
        identity: { channel: "line", externalUserId: "U-line-0001" },
        sender: "customer",
        content: "同一個 LINE 帳號，不同團隊",
      });
      expect(inB.conversationId).not.toBe(world.teamA.conversations.line.conversationId);
      const missing = await errorOf(
        server
          .client(world.teamA.members.admin.secret)
          .panel.get.query({ conversationId: inB.conversationId }),
      );
      expect(missing.data).toMatchObject({ code: "NOT_FOUND" });
    });
  });

  describe("T3 T4 a happy path: ingest → panel → repeat tagging with confirmation", () => {
    it("ingest (API key) → panel.get (bearer) → tags.apply → CONFIRMATION → confirm → count 2", async () => {
      const ingest = server.client(world.teamA.integration.secret, { via: "apiKey" });
      const stored = await ingest.ingest.message.mutate({
        identity: { channel: "instagram", externalUserId: "ig-happy-1" },
        sender: "customer",
        content: "請問有門市嗎？",
        displayName: "黃小姐",
      });
      expect(stored.createdConversation).toBe(true);
      const agent = server.client(world.teamA.members.cs_agent.secret);
      const panel = await agent.panel.get.query({ conversationId: stored.conversationId });
      expect(panel.customer).toMatchObject({ id: stored.customerId, displayName: "黃小姐" });
      expect(panel.conversation).toMatchObject({ channel: "instagram", state: "pending" });
      // superjson carries Dates as Dates.
      expect(panel.conversation.createdAt).toBeInstanceOf(Date);

      const input = {
        customerId: stored.customerId,
        conversationId: stored.conversationId,
        name: "VIP客戶",
      };
      const first = await agent.tags.apply.mutate(input);
      expect(first).toMatchObject({ kind: "applied", count: 1, repeat: false });
      const again = await agent.tags.apply.mutate(input);
      expect(again).toMatchObject({ kind: "confirmation_required", count: 1 });
      const confirmed = await agent.tags.apply.mutate({ ...input, confirm: true });
      expect(confirmed).toMatchObject({ kind: "applied", count: 2, repeat: true });
      const after = await agent.panel.get.query({ conversationId: stored.conversationId });
      expect(after.tags).toEqual([expect.objectContaining({ name: "VIP客戶", count: 2 })]);
    });
  });

  describe("P2 X4 zod field errors reach the client with a stable code", () => {
    it("an invalid email and an over-long note → VALIDATION_FAILED naming both fields", async () => {
      const agent = server.client(world.teamA.members.cs_agent.secret);
      const result = await errorOf(
        agent.profile.update.mutate({
          customerId: world.teamA.conversations.line.customerId,
          email: "not-an-email",
          note: "長".repeat(2_001),
        }),
      );
      expect(result.data).toMatchObject({
        code: "BAD_REQUEST",
        httpStatus: 400,
        domainCode: "VALIDATION_FAILED",
      });
      expect(result.data?.fields?.map((f) => f.field).sort()).toEqual(["email", "note"]);
      expect(result.message).toContain("email");
      // Nothing was written (X4).
      const panel = await agent.panel.get.query({
        conversationId: world.teamA.conversations.line.conversationId,
      });
      expect(panel.customer.email).toBeNull();
    });

    it("P3 a domain refusal carries its own code and field: PHONE_LOCKED on WhatsApp", async () => {
      const agent = server.client(world.teamA.members.cs_agent.secret);
      const result = await errorOf(
        agent.profile.update.mutate({
          customerId: world.teamA.conversations.whatsapp.customerId,
          phone: "+886911111111",
        }),
      );
      expect(result.data).toMatchObject({ code: "FORBIDDEN", domainCode: "PHONE_LOCKED" });
      expect(result.data?.fields).toEqual([{ field: "phone", message: expect.any(String) }]);
    });
  });
  describe("a JSON answer is written whole (issue 19 item 1)", () => {
    // node:http, not fetch: the framing headers as they were sent.
    const rawGet = (path: string, headers: Record<string, string>) =>
      new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>(
        (resolve, reject) => {
          http
            .get(`${server.url}${path}`, { headers }, (res) => {
              let body = "";
              res.setEncoding("utf8").on("data", (text: string) => {
                body += text;
              });
              res.on("end", () =>
                resolve({ status: res.statusCode ?? 0, headers: res.headers, body }),
              );
            })
            .on("error", reject);
        },
      );
    const input = (value: unknown) => encodeURIComponent(JSON.stringify({ json: value }));

    it.each([
      ["an answer", "cs_agent", ""],
      ["an error", null, ""],
      ["a batch", "cs_agent", "batch"],
    ] as const)("%s carries its Content-Length and is not chunked", async (_, who, batch) => {
      const { line } = world.teamA.conversations;
      const headers: Record<string, string> =
        who === null ? {} : { authorization: `Bearer ${world.teamA.members[who].secret}` };
      const args = { conversationId: line.conversationId };
      const path =
        batch === ""
          ? `/trpc/panel.get?input=${input(args)}`
          : `/trpc/panel.get,events.list?batch=1&input=${encodeURIComponent(
              JSON.stringify({ 0: { json: args }, 1: { json: args } }),
            )}`;
      const res = await rawGet(path, headers);
      expect(res.status).toBe(who === null ? 401 : 200);
      expect(res.headers["content-type"]).toBe("application/json");
      expect(res.headers["transfer-encoding"]).toBeUndefined();
      expect(Number(res.headers["content-length"])).toBe(Buffer.byteLength(res.body));
      expect(JSON.parse(res.body)).toBeTypeOf("object");
    });
  });
});
