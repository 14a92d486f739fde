import { type EngineHandle, engines, seedTeam } from "@customer-panel/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueCredential } from "../src/index.js";
import { errorOf, type PanelClient, startTestServer, type TestServer } from "./harness.js";

/**
 * Issue 14: `ingest.message` takes the channel's own message id (`externalMessageId`), so an
 * integration that retries after a lost answer (a SIGKILL, a timeout) stores the message once
 * and gets the first answer back. Scope: the team's conversation with that channel identity.
 */

describe.each(engines)("ingest.message externalMessageId on $name", (engine) => {
  let handle: EngineHandle;
  let server: TestServer;
  let api: PanelClient;
  beforeAll(async () => {
    handle = await engine.open();
    server = await startTestServer(handle);
    const teamId = await seedTeam(server.database.db);
    const integration = await issueCredential(server.database.db, { teamId, kind: "integration" });
    api = server.client(integration.secret, { via: "apiKey" });
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await handle?.dispose();
  });

  const storedWith = async (externalMessageId: string) => {
    const result = (await server.database.db.execute(
      `select count(*)::int as n from messages where external_message_id = '${externalMessageId}'`,
    )) as unknown as { rows: { n: number }[] };
    return result.rows[0]?.n;
  };

  const message = (externalUserId: string, externalMessageId: string, content = "我要退貨") => ({
    identity: { channel: "line" as const, externalUserId },
    sender: "customer" as const,
    content,
    displayName: "重送客戶",
    externalMessageId,
  });

  it("a retried message is stored once and answers the first result", async () => {
    const first = await api.ingest.message.mutate(message("U-retry-1", "line-msg-0001"));
    const retry = await api.ingest.message.mutate(message("U-retry-1", "line-msg-0001"));
    expect(first).toMatchObject({ createdConversation: true, replayed: false });
    expect(retry).toEqual({ ...first, replayed: true });
    expect(await storedWith("line-msg-0001")).toBe(1);
    const next = await api.ingest.message.mutate(message("U-retry-1", "line-msg-0002", "還有"));
    expect(next).toMatchObject({ conversationId: first.conversationId, replayed: false });
    expect(next.messageId).not.toBe(first.messageId);
  });

  it("the same id with a different message is IDEMPOTENCY_KEY_REUSED and stores nothing", async () => {
    await api.ingest.message.mutate(message("U-retry-2", "line-msg-0100"));
    const reused = await errorOf(
      api.ingest.message.mutate(message("U-retry-2", "line-msg-0100", "另一則訊息")),
    );
    expect(reused.data).toMatchObject({ code: "CONFLICT", domainCode: "IDEMPOTENCY_KEY_REUSED" });
    expect(await storedWith("line-msg-0100")).toBe(1);
  });

  it("another identity's message with the same id is its own message", async () => {
    const a = await api.ingest.message.mutate(message("U-retry-3a", "line-msg-0200"));
    const b = await api.ingest.message.mutate(message("U-retry-3b", "line-msg-0200"));
    expect(b.messageId).not.toBe(a.messageId);
    expect(await storedWith("line-msg-0200")).toBe(2);
  });

  it("concurrent retries store the message once and all answer its id", async () => {
    const answers = await Promise.all(
      Array.from({ length: 12 }, () =>
        api.ingest.message.mutate(message("U-retry-4", "line-msg-0300")),
      ),
    );
    expect(new Set(answers.map((a) => a.messageId)).size).toBe(1);
    expect(answers.filter((a) => !a.replayed)).toHaveLength(1);
    expect(await storedWith("line-msg-0300")).toBe(1);
  });
});
