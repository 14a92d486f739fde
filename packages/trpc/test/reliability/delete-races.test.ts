import { type EngineHandle, seedMember, seedTeam, serverEngine } from "@customer-panel/db/testing";
import { createTRPCClient, httpLink } from "@trpc/client";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AppRouter, issueCredential, TRPC_PATH } from "../../src/index.js";
import { startTestServer, type TestServer } from "../harness.js";

/**
 * Issue 14 C: `conversations.delete` racing every write that names the conversation —
 * `tags.apply`, email exports, inbound messages and `omo.unbind` (which logs on the
 * conversation) — on PostgreSQL, where they really run at
 * once. Each write either lands before the delete (and is erased with it) or answers
 * NOT_FOUND like a missing conversation: never a 500, never a row left pointing nowhere.
 */

const ROUNDS = 5;
const CONVERSATIONS_PER_ROUND = 6;
const WRITES_PER_KIND = 3;

/** What one call answered: "ok", or its tRPC error code. */
const outcomeOf = async (call: Promise<unknown>): Promise<string> => {
  try {
    await call;
    return "ok";
  } catch (error) {
    const data = (error as { data?: { code?: string } | null }).data;
    return data?.code ?? `no code: ${String(error)}`;
  }
};

const server = serverEngine;

/** One HTTP request per call (no batching), so every call races on its own. */
const unbatchedClient = (url: string, secret: string) =>
  createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${url}${TRPC_PATH}`,
        transformer: superjson,
        headers: { authorization: `Bearer ${secret}` },
      }),
    ],
  });
type Client = ReturnType<typeof unbatchedClient>;

describe.each(server ? [server] : [])("C deletes racing writes on $name", (engine) => {
  let handle: EngineHandle;
  let srv: TestServer;
  let admin: Client;
  let api: Client;
  beforeAll(async () => {
    handle = await engine.open();
    srv = await startTestServer(handle);
    const { db } = srv.database;
    const teamId = await seedTeam(db);
    const memberId = await seedMember(db, teamId, "admin", "管理員");
    const member = await issueCredential(db, { teamId, kind: "member", memberId, client: "web" });
    const integration = await issueCredential(db, { teamId, kind: "integration" });
    admin = unbatchedClient(srv.url, member.secret);
    api = unbatchedClient(srv.url, integration.secret);
  }, 60_000);
  afterAll(async () => {
    await srv?.close();
    await handle?.dispose();
  });

  it("every racing write succeeds or answers NOT_FOUND, and no row is left orphaned", async () => {
    const outcomes = new Map<string, number>();
    const count = (kind: string, outcome: string) => {
      const key = `${kind}:${outcome}`;
      outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
    };
    for (let round = 0; round < ROUNDS; round += 1) {
      const opened = await Promise.all(
        Array.from({ length: CONVERSATIONS_PER_ROUND }, (_, i) =>
          api.ingest.message.mutate({
            identity: { channel: "line", externalUserId: `U-race-${round}-${i}` },
            sender: "customer",
            content: "第一則訊息",
            displayName: "競態客戶",
          }),
        ),
      );
      await Promise.all(
        opened.map((_, i) =>
          api.ingest.omoBinding.mutate({
            identity: { channel: "line", externalUserId: `U-race-${round}-${i}` },
            omoMemberId: `omo-${round}-${i}`,
          }),
        ),
      );
      const calls: Promise<void>[] = [];
      opened.forEach((conversation, i) => {
        const { conversationId, customerId } = conversation;
        const track = (kind: string, call: Promise<unknown>) =>
          calls.push(outcomeOf(call).then((outcome) => count(kind, outcome)));
        for (let w = 0; w < WRITES_PER_KIND; w += 1) {
          track(
            "tags.apply",
            admin.tags.apply.mutate({ customerId, conversationId, name: `race-${w}` }),
          );
          track(
            "export.email",
            admin.conversations.export.mutate({
              conversationId,
              format: "email",
              to: "boss@example.com",
            }),
          );
          track(
            "ingest.message",
            api.ingest.message.mutate({
              identity: { channel: "line", externalUserId: `U-race-${round}-${i}` },
              sender: "customer",
              content: `又一則 ${w}`,
            }),
          );
          if (w === 0) track("omo.unbind", admin.omo.unbind.mutate({ conversationId }));
          if (w === 1) track("delete", admin.conversations.delete.mutate({ conversationId }));
        }
      });
      await Promise.all(calls);
    }
    const unexpected = [...outcomes].filter(([key]) => !/:(ok|NOT_FOUND)$/.test(key));
    expect(unexpected, JSON.stringify([...outcomes])).toEqual([]);
    expect(outcomes.get("delete:ok")).toBe(ROUNDS * CONVERSATIONS_PER_ROUND);

    const [orphans] = (
      (await srv.database.db.execute(`
        select
          (select count(*)::int from tag_applications t where t.conversation_id is not null
            and not exists (select 1 from conversations c where c.id = t.conversation_id)) as tags,
          (select count(*)::int from email_exports e
            where not exists (select 1 from conversations c where c.id = e.conversation_id)) as exports,
          (select count(*)::int from conversation_events v
            where not exists (select 1 from conversations c where c.id = v.conversation_id)) as events,
          (select count(*)::int from messages m
            where not exists (select 1 from conversations c where c.id = m.conversation_id)) as messages
      `)) as unknown as {
        rows: { tags: number; exports: number; events: number; messages: number }[];
      }
    ).rows;
    expect(orphans).toEqual({ tags: 0, exports: 0, events: 0, messages: 0 });
  }, 120_000);
});

if (server === undefined) {
  describe("C deletes racing writes", () => {
    it("runs only against a PostgreSQL server: TEST_DATABASE_URL is unset here (CI sets it)", () => {
      expect(process.env.TEST_DATABASE_URL).toBeUndefined();
    });
  });
}
