import { randomUUID } from "node:crypto";
import { createPanelClient } from "@customer-panel/client";
import { createDatabase, type Database } from "@customer-panel/db";
import {
  type PgBouncer,
  pgbouncerBinary,
  startPgBouncer,
  withDatabaseName,
} from "@customer-panel/db/testing";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ClosableChangeStream, createChangeStream } from "../src/change-stream.js";
import { eventually, subscribe } from "./fixtures/live-client.js";
import { seedWorld, startTestServer, type TestServer } from "./harness.js";

/**
 * Issue 17: the library's critical paths through PgBouncer 1.18 in transaction mode —
 * first the failure without `namedStatements: false`, then every path with it, LISTEN and
 * migrations on the direct URL.
 */

const servers =
  process.env.TEST_DATABASE_URL && pgbouncerBinary() !== null
    ? [{ name: "postgres", adminUrl: process.env.TEST_DATABASE_URL }]
    : [];

/** Every message of an error and its causes. */
const messagesOf = (error: unknown): string => {
  const parts: string[] = [];
  for (let e = error; e instanceof Error; e = e.cause) parts.push(e.message);
  return parts.join(" ← ");
};

describe.each(servers)("issue 17: the panel through PgBouncer on $name", ({ adminUrl }) => {
  const name = `panel_pooled_${randomUUID().replace(/-/g, "")}`;
  let admin: Database;
  let bouncer: PgBouncer;
  let directUrl: string;
  let pooledUrl: string;
  const cleanups: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    admin = await createDatabase({ url: adminUrl, poolSize: 1 });
    await admin.db.execute(
      `CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'`,
    );
    bouncer = await startPgBouncer({ serverUrl: adminUrl, poolSize: 4 });
    directUrl = withDatabaseName(adminUrl, name);
    pooledUrl = bouncer.pooled(directUrl);
  });
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    await bouncer?.stop();
    await admin?.db.execute(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin?.close();
  });

  /** A server on the pooled URL (migrated through the direct URL), closed after the file. */
  const serve = async (
    namedStatements: boolean,
    changes?: (db: Database) => ClosableChangeStream,
  ) => {
    const database = await createDatabase({
      url: pooledUrl,
      directUrl,
      poolSize: 6,
      namedStatements,
    });
    cleanups.push(() => database.close());
    await database.migrate();
    const stream = changes?.(database);
    if (stream) cleanups.push(() => stream.close());
    const server = await startTestServer(database, stream ? { changes: stream } : {});
    cleanups.push(() => server.close());
    return { server, stream, world: await seedWorld(server) };
  };

  /** panel.get, 5 rounds of 6 at once (one batch each): the outcome codes. */
  const readPanels = async (server: TestServer, secret: string, conversationId: string) => {
    const agent = server.client(secret);
    const outcomes: string[] = [];
    for (let round = 0; round < 5; round++) {
      const calls = Array.from({ length: 6 }, () =>
        agent.panel.get.query({ conversationId }).then(
          () => "ok",
          (error: { data?: { code?: string } }) => error.data?.code ?? "?",
        ),
      );
      outcomes.push(...(await Promise.all(calls)));
    }
    return outcomes;
  };

  it("without namedStatements: false, panel.get fails behind the pooler (the failure the setting fixes)", async () => {
    const { server, world } = await serve(true);
    const outcomes = await readPanels(
      server,
      world.teamA.members.cs_agent.secret,
      world.teamA.conversations.line.conversationId,
    );
    expect(outcomes).toContain("INTERNAL_SERVER_ERROR");
    expect(server.errors.map(messagesOf).join("\n")).toMatch(
      /prepared statement "panel_reader_main" (already exists|does not exist)/,
    );
  });

  it("with it: panel.get, tags.apply with a key, profile edit, ingest.message, an export download and a live change all work", async () => {
    const { server, stream, world } = await serve(false, (database) =>
      createChangeStream(database),
    );
    if (stream === undefined) throw new Error("expected a change stream");
    const { line } = world.teamA.conversations;
    const agentSecret = world.teamA.members.cs_agent.secret;
    const agent = server.client(agentSecret);

    // A subscription hears changes through LISTEN on the direct URL.
    const subscriber = subscribe(createPanelClient({ url: server.url, token: agentSecret }));
    try {
      expect(await eventually(() => stream.subscriberCount() === 1)).toBe(true);

      expect(new Set(await readPanels(server, agentSecret, line.conversationId))).toEqual(
        new Set(["ok"]),
      );

      const apply = {
        customerId: line.customerId,
        conversationId: line.conversationId,
        name: "VIP",
        idempotencyKey: `pooled-${randomUUID()}`,
      };
      const since = subscriber.received.length;
      const first = await agent.tags.apply.mutate(apply);
      expect(first).toMatchObject({ kind: "applied", count: 1 });
      // T8: the same key replays the first answer; nothing is applied twice.
      expect(await agent.tags.apply.mutate(apply)).toEqual({ ...first, replayed: true });
      expect(await subscriber.next((r) => r.change.kind === "tags", { since })).toMatchObject({
        change: { conversationId: line.conversationId },
      });

      await agent.profile.update.mutate({
        customerId: line.customerId,
        email: "pooled@example.com",
      });

      const ingest = server.client(world.teamA.integration.secret, { via: "apiKey" }).ingest
        .message;
      const message = {
        identity: { channel: "line" as const, externalUserId: line.externalUserId },
        sender: "customer" as const,
        content: "經過連線池的訊息",
        externalMessageId: `pooled-${randomUUID()}`,
      };
      const ingested = await ingest.mutate(message);
      // A retry with the same channel message id stores nothing more.
      expect(await ingest.mutate(message)).toMatchObject({ messageId: ingested.messageId });

      const panel = await agent.panel.get.query({ conversationId: line.conversationId });
      expect(panel.tags).toEqual([expect.objectContaining({ name: "VIP", count: 1 })]);
      expect(panel.customer.email).toBe("pooled@example.com");

      const exported = await server
        .client(world.teamA.members.admin.secret)
        .conversations.export.mutate({ conversationId: line.conversationId, format: "csv" });
      if (exported.format !== "csv") throw new Error("expected a CSV link");
      const settled = server.nextDownloadSettled();
      const res = await fetch(`${server.url}${exported.url}`);
      expect(res.status).toBe(200);
      const rows = parse(Buffer.from(await res.arrayBuffer()), { bom: true, columns: true }) as {
        content: string;
      }[];
      expect(await settled).toEqual({ kind: "conversation", outcome: "completed" });
      expect(rows.map((r) => r.content)).toContain("經過連線池的訊息");
      expect(rows).toHaveLength(4);
      expect(server.errors.map(messagesOf)).toEqual([]);
    } finally {
      subscriber.unsubscribe();
    }
  });
});
