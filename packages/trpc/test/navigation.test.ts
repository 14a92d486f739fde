import { type EngineHandle, engines } from "@customer-panel/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorOf, seedWorld, startTestServer, type TestServer, type World } from "./harness.js";

describe.each(engines)("N1 N2 navigation through the router on $name", (engine) => {
  let handle: EngineHandle;
  let server: TestServer;
  let world: World;
  beforeAll(async () => {
    handle = await engine.open();
    server = await startTestServer(handle);
    world = await seedWorld(server);
  }, 180_000);
  afterAll(async () => {
    await server?.close();
    await handle?.dispose();
  });

  it("N1 lists the team's conversations newest activity first, paged, and another team's none", async () => {
    const agent = server.client(world.teamA.members.cs_agent.secret);
    const first = await agent.conversations.list.query({ limit: 3 });
    expect(first.conversations.map((c) => c.customerName)).toEqual([
      "張志明",
      "網站訪客",
      "林美華",
    ]);
    expect(first.conversations[0]).toMatchObject({
      conversationId: world.teamA.conversations.facebook.conversationId,
      channel: "facebook",
      state: "pending",
      active: true,
      lastMessageSnippet: "感謝您的耐心等候",
    });
    expect(first.conversations[0]?.lastMessageAt).toBeInstanceOf(Date);
    const rest = await agent.conversations.list.query({ cursor: first.nextCursor ?? "" });
    expect(rest).toMatchObject({ nextCursor: null });
    expect(rest.conversations.map((c) => c.customerName)).toEqual(["陳大文"]);

    const outsider = server.client(world.teamB.admin.secret);
    const theirs = await outsider.conversations.list.query({});
    expect(theirs.conversations.map((c) => c.customerName)).toEqual(["B 客戶"]);
    // A cursor made from team A's rows reveals nothing of them to team B.
    const probed = await outsider.conversations.list.query({ cursor: first.nextCursor ?? "" });
    expect(probed.conversations.map((c) => c.customerName)).not.toContain("陳大文");
  });

  it("N1 refuses a page size over 100 naming the field", async () => {
    const agent = server.client(world.teamA.members.cs_agent.secret);
    const e = await errorOf(agent.conversations.list.query({ limit: 101 }));
    expect(e.data?.domainCode).toBe("VALIDATION_FAILED");
    expect(JSON.stringify(e.data)).toContain("limit");
  });

  it("N2 lists the team's members with id, name and role only; another team sees its own", async () => {
    const sales = server.client(world.teamA.members.sales.secret);
    const members = await sales.members.list.query({});
    expect(members).toHaveLength(6);
    expect(members.find((m) => m.role === "cs_agent")).toEqual({
      memberId: world.teamA.members.cs_agent.id,
      name: "客服 小美",
      role: "cs_agent",
    });
    const outsider = server.client(world.teamB.admin.secret);
    expect(await outsider.members.list.query({})).toEqual([
      { memberId: world.teamB.admin.id, name: "B 管理員", role: "admin" },
    ]);
  });
});
