import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDatabase, type Database } from "@customer-panel/db";
import { seedMember, seedTeam } from "@customer-panel/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueCredential } from "../../src/auth.js";
import {
  type CrashClient,
  type CrashServer,
  crashClient,
  isConnectionFailure,
  killAllStarted,
  killHard,
  rowsOf,
  startCrashServer,
  stopGracefully,
} from "../fixtures/crash-process.js";

/**
 * Issue 7, PGlite persisted in a folder (what `pnpm demo serve --data-dir` runs on): an
 * API server process makes acknowledged writes — inbound messages, profile edits, tag
 * applications — and is stopped with SIGTERM, then with SIGKILL (once right after an
 * answer, once with applications in flight), and started again on the same folder.
 * Every acknowledged write must be there, counted exactly. PGlite's folder storage writes
 * through to the files (Emscripten NODEFS) at each commit, so an answered commit survives
 * the death of the process. Runs everywhere: it needs no PostgreSQL server.
 */

const SECRET = "pglite restart test secret, long enough for HMAC";
const TAGS = ["VIP", "回購客", "Follow-up"] as const;

/** What the test knows was acknowledged, to compare with the folder's contents. */
interface Acknowledged {
  /** Message ids per conversation. */
  readonly messages: Map<string, string[]>;
  /** Customer → the last acknowledged note and display name. */
  readonly profiles: Map<string, { note: string; displayName: string }>;
  profileEdits: number;
  /** Idempotency key → the application's answer. */
  readonly applications: Map<
    string,
    { customerId: string; tagId: string; applicationId: string; count: number }
  >;
}

describe("PGlite in a folder keeps every acknowledged write across SIGTERM and SIGKILL restarts", () => {
  let dir: string;
  let dataDir: string;
  let memberSecret: string;
  let integrationSecret: string;
  const acked: Acknowledged = {
    messages: new Map(),
    profiles: new Map(),
    profileEdits: 0,
    applications: new Map(),
  };
  const customers: { customerId: string; conversationId: string; externalUserId: string }[] = [];

  const start = () => startCrashServer({ DATABASE_URL: dataDir, SECRET, MIGRATE: "1" });

  /** Opens the folder in this process (no server may hold it), runs `read`, closes it. */
  const inFolder = async <T>(read: (database: Database) => Promise<T>): Promise<T> => {
    const database = await createDatabase({ url: dataDir });
    try {
      return await read(database);
    } finally {
      await database.close();
    }
  };

  const ingest = async (api: CrashClient, customer: number, content: string) => {
    const externalUserId = `U-pglite-${customer}`;
    const answer = await api.ingest.message.mutate({
      identity: { channel: "line", externalUserId },
      sender: "customer",
      content,
      displayName: `客戶 ${customer}`,
    });
    if (customers[customer] === undefined) {
      customers[customer] = {
        customerId: answer.customerId,
        conversationId: answer.conversationId,
        externalUserId,
      };
    }
    const list = acked.messages.get(answer.conversationId) ?? [];
    acked.messages.set(answer.conversationId, [...list, answer.messageId]);
  };

  const editProfile = async (api: CrashClient, customer: number, round: number) => {
    const { customerId } = customers[customer] ?? { customerId: "" };
    const edit = {
      note: `第 ${round} 輪備註 #${customer}`,
      displayName: `客戶 ${customer} (${round})`,
    };
    const answer = await api.profile.update.mutate({ customerId, ...edit });
    expect(answer.changes.length).toBeGreaterThan(0);
    acked.profiles.set(customerId, edit);
    acked.profileEdits += 1;
  };

  const applyTag = async (api: CrashClient, key: string, customer: number, tag: string) => {
    const { customerId, conversationId } = customers[customer] ?? {
      customerId: "",
      conversationId: "",
    };
    const answer = await api.tags.apply.mutate({
      customerId,
      conversationId,
      name: tag,
      confirm: true,
      idempotencyKey: key,
    });
    if (answer.kind !== "applied") throw new Error("expected an application");
    acked.applications.set(key, {
      customerId,
      tagId: answer.tagId,
      applicationId: answer.applicationId,
      count: answer.count,
    });
    return answer.replayed;
  };

  /** Everything acknowledged so far is in the folder, and nothing more. */
  const expectFolderHoldsAcknowledged = () =>
    inFolder(async (database) => {
      const messages = await rowsOf<{ id: string; conversation_id: string }>(
        database,
        "select id, conversation_id from messages",
      );
      const ackedMessages = [...acked.messages.values()].flat();
      expect(messages.map((m) => m.id).sort()).toEqual([...ackedMessages].sort());
      for (const [conversationId, ids] of acked.messages) {
        expect(messages.filter((m) => m.conversation_id === conversationId)).toHaveLength(
          ids.length,
        );
      }

      const profiles = await rowsOf<{ id: string; note: string | null; display_name: string }>(
        database,
        "select id, note, display_name from customers",
      );
      expect(profiles).toHaveLength(customers.length);
      for (const [customerId, edit] of acked.profiles) {
        expect(profiles.find((p) => p.id === customerId)).toMatchObject({
          note: edit.note,
          display_name: edit.displayName,
        });
      }
      const [audit] = await rowsOf<{ n: number }>(
        database,
        "select count(*)::int as n from profile_audit",
      );
      expect(audit?.n).toBe(acked.profileEdits);

      const applications = await rowsOf<{ id: string; customer_id: string; tag_id: string }>(
        database,
        "select id, customer_id, tag_id from tag_applications",
      );
      expect(applications.map((a) => a.id).sort()).toEqual(
        [...acked.applications.values()].map((a) => a.applicationId).sort(),
      );
      const counts = await rowsOf<{ customer_id: string; tag_id: string; count: number }>(
        database,
        "select customer_id, tag_id, count::int as count from customer_tags",
      );
      const perPair = new Map<string, number[]>();
      for (const a of acked.applications.values()) {
        const pair = `${a.customerId}/${a.tagId}`;
        perPair.set(pair, [...(perPair.get(pair) ?? []), a.count]);
      }
      expect(counts.filter((c) => c.count > 0)).toHaveLength(perPair.size);
      for (const [pair, answered] of perPair) {
        expect(counts.find((c) => `${c.customer_id}/${c.tag_id}` === pair)?.count).toBe(
          answered.length,
        );
        expect([...answered].sort((a, b) => a - b)).toEqual(
          Array.from({ length: answered.length }, (_, k) => k + 1),
        );
      }
      const uses = await rowsOf<{ uses: number; applications: number }>(
        database,
        `select t.uses::int as uses,
           (select count(*)::int from tag_applications a where a.tag_id = t.id) as applications
         from tags t`,
      );
      for (const tag of uses) expect(tag.uses).toBe(tag.applications);
      return {
        messages: messages.length,
        profileEdits: acked.profileEdits,
        applications: applications.length,
      };
    });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "panel-pglite-restart-"));
    dataDir = join(dir, "pglite");
    // Seeded here, then closed: a PGlite folder is opened by one process at a time.
    const database = await createDatabase({ url: dataDir });
    try {
      await database.migrate();
      const teamId = await seedTeam(database.db, { name: "PGlite team" });
      const admin = await seedMember(database.db, teamId, "admin", "管理員 Ada");
      memberSecret = (
        await issueCredential(database.db, {
          teamId,
          kind: "member",
          memberId: admin,
          client: "web",
        })
      ).secret;
      integrationSecret = (await issueCredential(database.db, { teamId, kind: "integration" }))
        .secret;
    } finally {
      await database.close();
    }
  });

  afterAll(async () => {
    await killAllStarted();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("after SIGTERM: every acknowledged message, profile edit and tag application is in the folder", async () => {
    const server = await start();
    const integration = crashClient(server.url, integrationSecret);
    const member = crashClient(server.url, memberSecret);
    for (let c = 0; c < 3; c++) {
      await ingest(integration, c, "你好，我想查詢訂單");
      await ingest(integration, c, `訂單編號 A-${c}`);
    }
    for (let c = 0; c < 3; c++) await editProfile(member, c, 1);
    for (let i = 0; i < 12; i++) {
      await applyTag(member, `pglite:1:${i}`, i % 3, TAGS[i % TAGS.length] ?? "VIP");
    }
    expect(await stopGracefully(server)).toBe(0);
    const found = await expectFolderHoldsAcknowledged();
    expect(found).toEqual({ messages: 6, profileEdits: 3, applications: 12 });
  });

  it("after SIGKILL right after the last answer: every acknowledged write is in the folder, counted exactly", async () => {
    const server = await start();
    const integration = crashClient(server.url, integrationSecret);
    const member = crashClient(server.url, memberSecret);
    for (let c = 0; c < 3; c++) await ingest(integration, c, `第二輪訊息 ${c}`);
    for (let c = 0; c < 3; c++) await editProfile(member, c, 2);
    for (let i = 0; i < 9; i++) {
      await applyTag(member, `pglite:2:${i}`, (i + 1) % 3, TAGS[i % TAGS.length] ?? "VIP");
    }
    // Nothing is in flight: the last write was answered; no shutdown code runs.
    await killHard(server);
    const found = await expectFolderHoldsAcknowledged();
    expect(found).toEqual({ messages: 9, profileEdits: 6, applications: 21 });
  });

  it("after SIGKILL with applications in flight: the restarted server serves the folder, retried keys count once, counts stay exact", async () => {
    let server: CrashServer = await start();
    // The folder that survived the kill serves reads: the panel shows the tags counted so far.
    const customer = customers[0];
    if (customer === undefined) throw new Error("no customer");
    const panel = await crashClient(server.url, memberSecret).panel.get.query({
      conversationId: customer.conversationId,
    });
    const onCustomer = [...acked.applications.values()].filter(
      (a) => a.customerId === customer.customerId,
    );
    expect(panel.tags.reduce((sum, t) => sum + t.count, 0)).toBe(onCustomer.length);

    const unanswered: { key: string; customer: number; tag: string }[] = [];
    const refusals: unknown[] = [];
    let answered = 0;
    let killing: Promise<void> | null = null;
    const fire = async (client: number) => {
      const api = crashClient(server.url, memberSecret);
      for (let i = 0; killing === null; i++) {
        const call = {
          key: `pglite:3:${client}:${i}`,
          customer: (client + i) % 3,
          tag: TAGS[(client + 2 * i) % TAGS.length] ?? "VIP",
        };
        try {
          await applyTag(api, call.key, call.customer, call.tag);
          answered += 1;
          if (answered === 30) killing = killHard(server);
        } catch (error) {
          if (!isConnectionFailure(error)) refusals.push(error);
          unanswered.push(call);
          return;
        }
      }
    };
    await Promise.all([0, 1, 2].map(fire));
    await killing;
    expect(refusals).toEqual([]);

    server = await start();
    let replayed = 0;
    const api = crashClient(server.url, memberSecret);
    for (const call of unanswered) {
      if (await applyTag(api, call.key, call.customer, call.tag)) replayed += 1;
    }
    expect(await stopGracefully(server)).toBe(0);
    const found = await expectFolderHoldsAcknowledged();
    expect(found.applications).toBe(21 + answered + unanswered.length);
    console.info(
      `[pglite-restart] SIGKILL with ${unanswered.length} applications in flight after ${answered} answered; ` +
        `all retried with their keys (${replayed} replayed: committed before the kill); folder holds ${found.messages} messages, ${found.profileEdits} profile edits, ` +
        `${found.applications} applications`,
    );
  });
});
