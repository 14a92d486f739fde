import { createDatabase, type Database } from "@customer-panel/db";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type StreamingStandby,
  standbyAvailable,
  startStreamingStandby,
} from "./fixtures/streaming-standby.js";
import { seedWorld, startTestServer, type TestServer, type World } from "./harness.js";

/**
 * Issue 17: exports through a real streaming standby (a private primary and its
 * pg_basebackup copy). Replication lag loses nothing: an export waits for the standby to
 * replay what the primary had when it began, and a standby that does not catch up in time
 * is passed over for the primary.
 */
describe.each(standbyAvailable() ? [{ name: "a streaming standby" }] : [])(
  "issue 17: exports read from $name",
  () => {
    let cluster: StreamingStandby;
    let primary: Database;
    let replica: Database;
    let server: TestServer;
    let world: World;
    const reads: string[] = [];

    beforeAll(async () => {
      cluster = await startStreamingStandby();
      primary = await createDatabase({ url: cluster.primaryUrl });
      await primary.migrate();
      replica = await createDatabase({ url: cluster.standbyUrl });
      server = await startTestServer(primary, {
        readReplica: {
          readDatabase: replica,
          replicaReads: { maxWaitMs: 500, onRead: (from) => reads.push(from) },
        },
      });
      world = await seedWorld(server);
    });
    afterAll(async () => {
      await server?.close();
      await primary?.close();
      await replica?.close();
      await cluster?.stop();
    });

    /** Ingests a customer message, then at once exports the conversation: its contents. */
    const writeThenExport = async (content: string) => {
      const { line } = world.teamA.conversations;
      await server.client(world.teamA.integration.secret, { via: "apiKey" }).ingest.message.mutate({
        identity: { channel: "line", externalUserId: line.externalUserId },
        sender: "customer",
        content,
      });
      const exported = await server
        .client(world.teamA.members.admin.secret)
        .conversations.export.mutate({ conversationId: line.conversationId, format: "csv" });
      if (exported.format !== "csv") throw new Error("expected a CSV link");
      const res = await fetch(`${server.url}${exported.url}`);
      expect(res.status).toBe(200);
      const rows = parse(Buffer.from(await res.arrayBuffer()), { bom: true, columns: true }) as {
        content: string;
      }[];
      return rows.map((r) => r.content);
    };

    it("the read database is a standby in recovery, which refuses writes", async () => {
      const [state] = (
        (await replica.db.execute("select pg_is_in_recovery() as standby")) as {
          rows: { standby: boolean }[];
        }
      ).rows;
      expect(state?.standby).toBe(true);
      await expect(replica.db.execute("delete from export_takes")).rejects.toMatchObject({
        cause: { message: expect.stringMatching(/read-only transaction/) },
      });
    });

    it("L7 a message written just before the export is in the file, read from the standby", async () => {
      expect(await writeThenExport("剛寫入的訊息")).toContain("剛寫入的訊息");
      expect(reads.at(-1)).toBe("replica");
    });

    it("a standby that replays nothing is passed over after maxWaitMs: the primary serves the rows, none lost", async () => {
      await replica.db.execute("select pg_wal_replay_pause()");
      try {
        expect(await writeThenExport("暫停重播時的訊息")).toContain("暫停重播時的訊息");
        expect(reads.at(-1)).toBe("primary");
      } finally {
        await replica.db.execute("select pg_wal_replay_resume()");
      }
      expect(await writeThenExport("恢復之後的訊息")).toEqual(
        expect.arrayContaining(["暫停重播時的訊息", "恢復之後的訊息"]),
      );
      expect(reads.at(-1)).toBe("replica");
    });
  },
);
