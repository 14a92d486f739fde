import type { EngineHandle } from "@customer-panel/db/testing";
import { engines } from "@customer-panel/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CallsReport } from "../src/index.js";
import { seedWorld, startTestServer, type TestServer, type World } from "./harness.js";

/**
 * Issue 17: the server's observation hooks. `onRequest` sees every request first and may
 * set headers; `onCalls` tells each tRPC response's calls, their outcomes (OK, the domain
 * code, or tRPC's code) and the actor — what a host logs and counts.
 */
describe.each(engines.slice(0, 1))("server observation hooks on $name", (engine) => {
  let handle: EngineHandle;
  let server: TestServer;
  let world: World;
  const reports: CallsReport[] = [];
  const seen: string[] = [];

  beforeAll(async () => {
    handle = await engine.open();
    server = await startTestServer(handle, {
      observe: {
        onRequest: (req, res) => {
          seen.push(req.url ?? "");
          res.setHeader("x-request-id", "fixed-id");
        },
        onCalls: (report) => reports.push(report),
      },
    });
    world = await seedWorld(server);
  });
  afterAll(async () => {
    await server?.close();
    await handle?.dispose();
  });

  it("reports each call of a batch with its outcome and the actor", async () => {
    reports.length = 0;
    const agent = world.teamA.members.cs_agent;
    const client = server.client(agent.secret);
    const missing = "00000000-0000-4000-8000-000000000000";
    const [found, notFound] = await Promise.allSettled([
      client.panel.get.query({ conversationId: world.teamA.conversations.line.conversationId }),
      client.panel.get.query({ conversationId: missing }),
    ]);
    expect(found.status).toBe("fulfilled");
    expect(notFound.status).toBe("rejected");
    expect(reports).toHaveLength(1);
    const [report] = reports;
    expect(report?.type).toBe("query");
    expect(report?.calls).toEqual([
      { path: "panel.get", outcome: "OK" },
      { path: "panel.get", outcome: "NOT_FOUND" },
    ]);
    expect(report?.actor).toMatchObject({ kind: "member", memberId: agent.id });
  });

  it("reports an unauthenticated call with tRPC's code and no actor", async () => {
    reports.length = 0;
    await expect(
      server
        .client(null)
        .panel.get.query({ conversationId: world.teamA.conversations.line.conversationId }),
    ).rejects.toThrow();
    expect(reports.map((r) => [r.calls, r.actor])).toEqual([
      [[{ path: "panel.get", outcome: "UNAUTHORIZED" }], null],
    ]);
  });

  it("onRequest sees every request first and may set response headers", async () => {
    const response = await fetch(`${server.url}/nowhere`);
    expect(response.status).toBe(404);
    expect(response.headers.get("x-request-id")).toBe("fixed-id");
    expect(seen).toContain("/nowhere");
  });
});
