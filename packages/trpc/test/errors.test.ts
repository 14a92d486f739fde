import { type EngineHandle, engines, seedMember, seedTeam } from "@customer-panel/db/testing";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { issueCredential } from "../src/index.js";
import { errorOf, seedWorld, startTestServer, type TestServer, type World } from "./harness.js";

const GENERIC = "Something went wrong on our side.";
// What a driver or ORM error would say: none of it may reach a client.
const LEAKS =
  /relation|tag_applications|customer_tags|does not exist|select |insert |update |delete |drop |syntax|constraint|pglite|postgres|drizzle|failed query|pool|econn|\bat .+:\d+:\d+/i;

/** The raw HTTP answer to one tRPC call, as any client would see it. */
const rawCall = async (
  server: TestServer,
  secret: string,
  kind: "query" | "mutation",
  path: string,
  input: unknown,
) => {
  const headers = { authorization: `Bearer ${secret}`, "content-type": "application/json" };
  const body = JSON.stringify({ json: input });
  const res =
    kind === "query"
      ? await fetch(`${server.url}/trpc/${path}?input=${encodeURIComponent(body)}`, { headers })
      : await fetch(`${server.url}/trpc/${path}`, { method: "POST", headers, body });
  return { status: res.status, text: await res.text() };
};

describe.each(engines)("X4 production error shape on $name", (engine) => {
  let handle: EngineHandle;
  let nodeEnv: string | undefined;
  beforeAll(async () => {
    handle = await engine.open();
  });
  afterAll(async () => handle?.dispose());
  beforeEach(() => {
    nodeEnv = process.env.NODE_ENV;
  });
  afterEach(() => {
    process.env.NODE_ENV = nodeEnv;
  });

  describe("a failing statement (a dropped table)", () => {
    let server: TestServer;
    let world: World;
    beforeAll(async () => {
      server = await startTestServer(handle);
      world = await seedWorld(server);
      await server.database.db.execute("DROP TABLE tag_applications CASCADE");
    });
    afterAll(async () => server?.close());

    const applyTag = () => ({
      customerId: world.teamA.conversations.line.customerId,
      name: "VIP客戶",
    });

    it("INTERNAL_SERVER_ERROR with the generic message, no stack, no SQL, table or driver text", async () => {
      process.env.NODE_ENV = "production";
      const agent = server.client(world.teamA.members.cs_agent.secret);
      const errorsBefore = server.errors.length;
      const result = await errorOf(agent.tags.apply.mutate(applyTag()));
      expect(result.message).toBe(GENERIC);
      expect(result.data).toMatchObject({
        code: "INTERNAL_SERVER_ERROR",
        httpStatus: 500,
        domainCode: null,
        fields: [],
      });
      expect(result.data).not.toHaveProperty("stack");
      // The real cause was a database error, and it went to the server's log only.
      const logged = server.errors.slice(errorsBefore).map(String).join("\n");
      expect(logged).toMatch(/tag_applications/);

      const raw = await rawCall(
        server,
        world.teamA.members.cs_agent.secret,
        "mutation",
        "tags.apply",
        applyTag(),
      );
      expect(raw.status).toBe(500);
      expect(raw.text).toContain(GENERIC);
      expect(raw.text).not.toMatch(LEAKS);
      expect(raw.text).not.toContain("stack");
    });

    it("D NODE_ENV does not decide: unset or development, a 500 still carries no stack, SQL or parameters", async () => {
      for (const mode of [undefined, "development", "test"]) {
        if (mode === undefined) delete process.env.NODE_ENV;
        else process.env.NODE_ENV = mode;
        const result = await errorOf(
          server.client(world.teamA.members.cs_agent.secret).tags.apply.mutate(applyTag()),
        );
        expect(result.message).toBe(GENERIC);
        expect(result.data).not.toHaveProperty("stack");
        const raw = await rawCall(
          server,
          world.teamA.members.cs_agent.secret,
          "mutation",
          "tags.apply",
          applyTag(),
        );
        expect(raw.status).toBe(500);
        expect(raw.text).not.toMatch(LEAKS);
        expect(raw.text).not.toContain("VIP客戶");
      }
    });

    it("D only a host that turns on exposeErrorDetails sees the stack; the message stays generic", async () => {
      process.env.NODE_ENV = "production";
      const debug = await startTestServer(server.database, { exposeErrorDetails: true });
      try {
        const result = await errorOf(
          debug.client(world.teamA.members.cs_agent.secret).tags.apply.mutate(applyTag()),
        );
        expect(result.message).toBe(GENERIC);
        expect(typeof result.data?.stack).toBe("string");
      } finally {
        await debug.close();
      }
    });

    it("the rest of the panel keeps working and domain errors keep their own messages", async () => {
      process.env.NODE_ENV = "production";
      const agent = server.client(world.teamA.members.cs_agent.secret);
      const panel = await agent.panel.get.query({
        conversationId: world.teamA.conversations.line.conversationId,
      });
      expect(panel.conversation.id).toBe(world.teamA.conversations.line.conversationId);
      const invalid = await errorOf(
        agent.profile.update.mutate({ customerId: panel.customer.id, email: "nope" }),
      );
      expect(invalid.data).toMatchObject({ domainCode: "VALIDATION_FAILED" });
      expect(invalid.message).toContain("email");
    });
  });

  describe("a database that is gone (closed under the server)", () => {
    it("authentication's failure is a generic 500, not a 401 and not the driver's text", async () => {
      // D: even in development mode, where the context failed to build.
      process.env.NODE_ENV = "development";
      const database = await handle.fresh();
      const server = await startTestServer(database);
      try {
        const team = await seedTeam(database.db);
        const memberId = await seedMember(database.db, team, "admin");
        const { secret } = await issueCredential(database.db, {
          teamId: team,
          kind: "member",
          memberId,
          client: "web",
        });
        await database.close();
        const result = await errorOf(
          server.client(secret).panel.get.query({ conversationId: crypto.randomUUID() }),
        );
        expect(result.message).toBe(GENERIC);
        expect(result.data).toMatchObject({ code: "INTERNAL_SERVER_ERROR" });
        expect(result.data).not.toHaveProperty("stack");
        const raw = await rawCall(server, secret, "query", "panel.get", {
          conversationId: crypto.randomUUID(),
        });
        expect(raw.status).toBe(500);
        expect(raw.text).not.toMatch(LEAKS);
      } finally {
        await server.close();
      }
    });
  });
});
