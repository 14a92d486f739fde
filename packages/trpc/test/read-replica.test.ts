import { randomUUID } from "node:crypto";
import { createDatabase, type Database } from "@customer-panel/db";
import { withDatabaseName } from "@customer-panel/db/testing";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startExportWorker } from "../src/index.js";
import { postgresServers } from "./fixtures/server-database.js";
import { seedWorld, startTestServer, type TestServer, type World } from "./harness.js";

/**
 * Issue 17: reports and exports read from the read database; what they write goes to the
 * primary. The read database here is a copy of the primary whose messages and tag names are
 * marked "[replica]" — every row of a file shows where it was read — and it is opened
 * read-only (default_transaction_read_only), so any write routed to it would fail.
 */

const readOnly = (url: string) => {
  const u = new URL(url);
  u.searchParams.set("options", "-c default_transaction_read_only=on");
  return u.toString();
};

/** A calendar day in Asia/Taipei (the seeded teams' zone), `offset` days from today. */
const taipeiDay = (offset: number) =>
  new Date(Date.now() + offset * 86_400_000).toLocaleDateString("en-CA", {
    timeZone: "Asia/Taipei",
  });

describe.each(postgresServers)("issue 17: a read database on $name", ({ adminUrl }) => {
  const suffix = randomUUID().replace(/-/g, "");
  const names = { primary: `panel_primary_${suffix}`, replica: `panel_replica_${suffix}` };
  let admin: Database;
  let primary: Database;
  let replica: Database;
  let server: TestServer;
  let world: World;
  const reads: string[] = [];

  /** The number `statement` selects as `n`. */
  const count = async (database: Database, statement: string) => {
    const result = (await database.db.execute(statement)) as { rows: { n: number }[] };
    return Number(result.rows[0]?.n);
  };

  beforeAll(async () => {
    admin = await createDatabase({ url: adminUrl, poolSize: 1 });
    await admin.db.execute(
      `CREATE DATABASE ${names.primary} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'`,
    );
    const primaryUrl = withDatabaseName(adminUrl, names.primary);
    // Seed through the API, then copy the database (a template must have no connections).
    const seeding = await createDatabase({ url: primaryUrl });
    await seeding.migrate();
    const seedServer = await startTestServer(seeding);
    world = await seedWorld(seedServer);
    const agent = seedServer.client(world.teamA.members.cs_agent.secret);
    const { line } = world.teamA.conversations;
    await agent.tags.apply.mutate({
      customerId: line.customerId,
      conversationId: line.conversationId,
      name: "VIP",
    });
    await seedServer.close();
    await seeding.close();
    await admin.db.execute(`CREATE DATABASE ${names.replica} TEMPLATE ${names.primary}`);
    const replicaUrl = withDatabaseName(adminUrl, names.replica);
    const marking = await createDatabase({ url: replicaUrl, poolSize: 1 });
    await marking.db.execute("update messages set content = '[replica] ' || content");
    await marking.db.execute("update tags set name = '[replica] ' || name");
    await marking.close();

    primary = await createDatabase({ url: primaryUrl });
    replica = await createDatabase({ url: readOnly(replicaUrl) });
    server = await startTestServer(primary, {
      readReplica: { readDatabase: replica, replicaReads: { onRead: (from) => reads.push(from) } },
    });
  });
  afterAll(async () => {
    await server?.close();
    await primary?.close();
    await replica?.close();
    for (const name of Object.values(names)) {
      await admin?.db.execute(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    }
    await admin?.close();
  });

  const member = () => server.client(world.teamA.members.admin.secret);
  const download = async (url: string) => {
    const res = await fetch(`${server.url}${url}`);
    expect(res.status).toBe(200);
    return parse(Buffer.from(await res.arrayBuffer()), { bom: true, columns: true }) as Record<
      string,
      string
    >[];
  };

  it("the read database can not write (so nothing below could have been written there)", async () => {
    await expect(replica.db.execute("delete from export_takes")).rejects.toMatchObject({
      cause: { message: expect.stringMatching(/read-only transaction/) },
    });
  });

  it("L7 a transcript export reads its rows from the read database; the last export time, the log entry and the link go to the primary", async () => {
    const { line } = world.teamA.conversations;
    const exported = await member().conversations.export.mutate({
      conversationId: line.conversationId,
      format: "csv",
    });
    if (exported.format !== "csv") throw new Error("expected a CSV link");
    const settled = server.nextDownloadSettled();
    const rows = await download(exported.url);
    expect(await settled).toEqual({ kind: "conversation", outcome: "completed" });
    expect(rows.map((r) => r.content)).toEqual([
      "[replica] 你好，我想查詢訂單",
      "[replica] 您好，請提供訂單編號，謝謝！",
      "[replica] 感謝您的耐心等候",
    ]);
    expect(reads.at(-1)).toBe("replica");

    const exportedWhere = `from conversations where id = '${line.conversationId}' and last_exported_at is not null`;
    expect(await count(primary, `select count(*)::int as n ${exportedWhere}`)).toBe(1);
    expect(await count(replica, `select count(*)::int as n ${exportedWhere}`)).toBe(0);
    const logged = `from conversation_events where conversation_id = '${line.conversationId}' and type = 'exported'`;
    expect(await count(primary, `select count(*)::int as n ${logged}`)).toBe(1);
    expect(await count(replica, `select count(*)::int as n ${logged}`)).toBe(0);
    expect(await count(primary, "select count(*)::int as n from download_links")).toBe(1);
    expect(await count(replica, "select count(*)::int as n from download_links")).toBe(0);
    expect(await count(primary, "select count(*)::int as n from export_takes")).toBe(1);
    expect(await count(replica, "select count(*)::int as n from export_takes")).toBe(0);
  });

  it("L7 an email export's worker reads the transcript from the read database and records the export on the primary", async () => {
    const { whatsapp } = world.teamA.conversations;
    const worker = startExportWorker({
      database: primary,
      runtime: server.services.runtime,
      intervalMs: null,
    });
    try {
      const queued = await member().conversations.export.mutate({
        conversationId: whatsapp.conversationId,
        format: "email",
        to: "boss@example.com",
      });
      expect(queued).toMatchObject({ format: "email", status: "queued" });
      expect(await worker.runOnce()).toBe(1);
    } finally {
      await worker.stop();
    }
    expect(server.mail).toHaveLength(1);
    expect(server.mail[0]?.csv).toContain("[replica] 你好，我想查詢訂單");
    expect(reads.at(-1)).toBe("replica");
    const sent = "from email_exports where status = 'sent'";
    expect(await count(primary, `select count(*)::int as n ${sent}`)).toBe(1);
    expect(await count(replica, "select count(*)::int as n from email_exports")).toBe(0);
    const logged = `from conversation_events where conversation_id = '${whatsapp.conversationId}' and type = 'exported'`;
    expect(await count(primary, `select count(*)::int as n ${logged}`)).toBe(1);
    expect(await count(replica, `select count(*)::int as n ${logged}`)).toBe(0);
  });

  it("R2 R3 tag reports read the read database; their links and export takes go to the primary", async () => {
    const range = { from: taipeiDay(-1), to: taipeiDay(1) };
    const records = await download((await member().tagReports.records.query(range)).url);
    expect(records.map((r) => r.tag)).toEqual(["[replica] VIP"]);
    const stats = await download((await member().tagReports.stats.query(range)).url);
    expect(stats.map((r) => r.tag)).toEqual(["[replica] VIP"]);
    expect(reads.slice(-2)).toEqual(["replica", "replica"]);
    expect(await count(primary, "select count(*)::int as n from download_links")).toBe(3);
    expect(await count(replica, "select count(*)::int as n from download_links")).toBe(0);
  });

  it("what the panel shows, T6 tag frequency included, is read from the primary (not a report)", async () => {
    const { line } = world.teamA.conversations;
    const panel = await member().panel.get.query({ conversationId: line.conversationId });
    expect(panel.tags.map((t) => t.name)).toEqual(["VIP"]);
    const frequency = await member().tags.frequency.query({ customerId: line.customerId });
    expect(JSON.stringify(frequency)).toContain('"VIP"');
    expect(JSON.stringify(frequency)).not.toContain("[replica]");
  });
});
