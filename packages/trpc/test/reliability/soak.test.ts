import { ROLES, type Role } from "@customer-panel/core";
import type { Database } from "@customer-panel/db";
import { seedCustomer, seedMember, seedTeam } from "@customer-panel/db/testing";
import { type SQL, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ExportWorker, issueCredential, startExportWorker } from "../../src/index.js";
import { createServerDatabase, postgresServers } from "../fixtures/server-database.js";
import { startTestServer, type TestServer } from "../harness.js";
import { LoadMetrics } from "./soak-metrics.js";
import {
  type ClientKind,
  emptyLedger,
  type Ledger,
  type ProfileFields,
  runClient,
  type Scope,
  type Seeded,
  STEPS,
} from "./soak-workload.js";

/**
 * Load and soak on PostgreSQL (B1, T8, L5–L7, P6): 50 real tRPC clients over HTTP, each
 * with its own credential, run a mixed workload for SOAK_SECONDS (default 60); then the
 * database must equal what the clients' ledgers say the server acknowledged. No error
 * is expected: every role does only what the matrix allows it, nobody changes what
 * another client owns, and the export limit is set above what the exporters can ask
 * for. PostgreSQL only (PGlite runs one statement at a time), so it runs where
 * TEST_DATABASE_URL is set — in CI. The database pool is the production default
 * (`createDatabase` without `poolSize`).
 */

const SOAK_SECONDS = Number(process.env.SOAK_SECONDS ?? 60);

/** 50 clients: how many of each kind. */
const MIX: readonly (readonly [ClientKind, number])[] = [
  ["tagger", 12],
  ["editor", 8],
  ["reader", 8],
  ["ingester", 8],
  ["presence", 4],
  ["integrationTagger", 2],
  ["stateKeeper", 3],
  ["csvExporter", 3],
  ["emailExporter", 2],
];
const INTEGRATION_KINDS = new Set<ClientKind>(["ingester", "presence", "integrationTagger"]);
const OWNED: Partial<Record<ClientKind, number>> = { editor: 3, presence: 3, stateKeeper: 3 };

const calendarDay = (timeZone: string): string =>
  new Intl.DateTimeFormat("en-CA", { timeZone }).format(new Date());

/** Sums the ledgers' maps key by key. */
const merged = (ledgers: readonly Ledger[], of: (l: Ledger) => Map<string, number>) => {
  const out: Record<string, number> = {};
  for (const l of ledgers) for (const [k, n] of of(l)) out[k] = (out[k] ?? 0) + n;
  return out;
};

const sorted = <T>(record: Record<string, T>): Record<string, T> =>
  Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));

describe.each(postgresServers)("B1 load and soak on $name", ({ adminUrl }) => {
  let store: Awaited<ReturnType<typeof createServerDatabase>>;
  let database: Database;
  let server: TestServer;
  let worker: ExportWorker;
  const workerErrors: unknown[] = [];
  const metrics = new LoadMetrics();
  const scopes: { kind: ClientKind; scope: Scope }[] = [];
  let teamId: string;

  const rows = async <T>(query: SQL): Promise<T[]> =>
    ((await database.db.execute(query)) as unknown as { rows: T[] }).rows;

  beforeAll(async () => {
    // The production pool: createDatabase's default, as the API server process opens it.
    store = await createServerDatabase(adminUrl, { prefix: "panel_soak" });
    database = store.database;
    // Far above what 5 paced exporters can ask for in a minute: a refusal is a failure.
    // 3 CSV exporters of one team stream at once: the per-team bound (default 2) is raised.
    server = await startTestServer(database, {
      exportLimiter: { limit: 100_000 },
      downloadRoute: { maxPerTeam: 4 },
    });
    worker = startExportWorker({
      database,
      runtime: server.services.runtime,
      intervalMs: 250,
      onError: (error) => workerErrors.push(error),
    });

    const { db } = database;
    teamId = await seedTeam(db, { name: "Soak 團隊" });
    const customer = async (channel: "line" | "webchat", externalId: string): Promise<Seeded> => {
      const made = await seedCustomer(db, teamId, { channel, externalId, displayName: "王小明" });
      return { ...made, externalId };
    };
    const hot: Seeded[] = [];
    for (let i = 0; i < 6; i++) hot.push(await customer("line", `soak-hot-${i}`));
    const conversations = hot.map((c) => c.conversationId);
    const assignees: string[] = [];
    for (const role of ROLES) assignees.push(await seedMember(db, teamId, role, `指派 ${role}`));
    const today = calendarDay("Asia/Taipei");

    let index = 0;
    for (const [kind, count] of MIX) {
      for (let i = 0; i < count; i++, index++) {
        // Every role tags, edits, reads and moves conversations; only admin exports (L8).
        const role: Role = kind.endsWith("Exporter")
          ? "admin"
          : (ROLES[index % ROLES.length] ?? "admin");
        let secret: string;
        if (INTEGRATION_KINDS.has(kind)) {
          secret = (await issueCredential(db, { teamId, kind: "integration" })).secret;
        } else {
          const memberId = await seedMember(db, teamId, role, `${kind} ${index}`);
          const issued = await issueCredential(db, {
            teamId,
            kind: "member",
            memberId,
            client: "web",
          });
          secret = issued.secret;
        }
        const owned: Seeded[] = [];
        for (let k = 0; k < (OWNED[kind] ?? 0); k++) {
          owned.push(
            await customer(kind === "presence" ? "webchat" : "line", `soak-${index}-${k}`),
          );
        }
        conversations.push(...owned.map((c) => c.conversationId));
        scopes.push({
          kind,
          scope: {
            server,
            client: server.client(secret),
            metrics,
            ledger: emptyLedger(),
            hot,
            conversations,
            owned,
            assignees,
            index,
            today,
          },
        });
      }
    }
  }, 120_000);

  afterAll(async () => {
    await worker?.stop();
    await server?.close();
    await store?.drop();
  });

  it(
    `50 clients for ${SOAK_SECONDS} s: no unexpected error, and the database equals every client's ledger`,
    async () => {
      expect(scopes).toHaveLength(50);
      const started = performance.now();
      const deadline = started + SOAK_SECONDS * 1000;
      const loops = await Promise.all(
        scopes.map(({ kind, scope }) => runClient(STEPS[kind], scope, deadline)),
      );
      const elapsed = (performance.now() - started) / 1000;

      // Deliver every queued email: the worker's last batch, then until nothing is left.
      await worker.stop();
      while ((await worker.runOnce()) > 0) {}
      const ledgers = scopes.map((s) => s.scope.ledger);

      const tagApplications = merged(ledgers, (l) => l.tagApplications);
      const messages = merged(ledgers, (l) => l.messages);
      const emailExports = new Set(ledgers.flatMap((l) => [...l.emailExports]));
      const downloads = ledgers.reduce(
        (sum, l) => ({
          requested: sum.requested + l.downloads.requested,
          completed: sum.completed + l.downloads.completed,
        }),
        { requested: 0, completed: 0 },
      );
      const summary = {
        loops: loops.reduce((a, b) => a + b, 0),
        tagApplications: Object.values(tagApplications).reduce((a, b) => a + b, 0),
        replays: ledgers.reduce((a, l) => a + l.replays, 0),
        messages: Object.values(messages).reduce((a, b) => a + b, 0),
        profileEdits: ledgers.reduce(
          (a, l) => a + [...l.profileEdits.values()].reduce((x, y) => x + y, 0),
          0,
        ),
        downloads,
        emailExports: emailExports.size,
        emailsDelivered: server.mail.length,
      };
      console.log(
        `soak on PostgreSQL, ${SOAK_SECONDS} s\n${metrics.report(elapsed)}\nledgers: ${JSON.stringify(summary)}`,
      );

      // Zero unexpected errors: none is expected (see the header), on either side.
      expect(metrics.failures).toEqual([]);
      expect(server.errors).toEqual([]);
      expect(workerErrors).toEqual([]);
      expect(loops.every((n) => n > 0)).toBe(true);

      // T4/T8: applications per (customer, tag) = acknowledged; the counters agree.
      const team = sql`${teamId}::uuid`;
      const applied = await rows<{ k: string; n: number }>(
        sql`select customer_id || '|' || tag_id as k, count(*)::int as n from tag_applications where team_id = ${team} group by 1`,
      );
      expect(sorted(Object.fromEntries(applied.map((r) => [r.k, r.n])))).toEqual(
        sorted(tagApplications),
      );
      const counts = await rows<{ k: string; n: number }>(
        sql`select customer_id || '|' || tag_id as k, count as n from customer_tags where team_id = ${team}`,
      );
      expect(sorted(Object.fromEntries(counts.map((r) => [r.k, r.n])))).toEqual(
        sorted(tagApplications),
      );
      const uses = await rows<{ k: string; n: number }>(
        sql`select id::text as k, uses::int as n from tags where team_id = ${team}`,
      );
      const usesExpected: Record<string, number> = {};
      for (const [k, n] of Object.entries(tagApplications)) {
        const tagId = k.split("|")[1] ?? "";
        usesExpected[tagId] = (usesExpected[tagId] ?? 0) + n;
      }
      expect(sorted(Object.fromEntries(uses.map((r) => [r.k, r.n])))).toEqual(sorted(usesExpected));

      // L5/E2: messages stored = acknowledged, per conversation (seeded ones had none).
      const stored = await rows<{ k: string; n: number }>(
        sql`select conversation_id::text as k, count(*)::int as n from messages where team_id = ${team} group by 1`,
      );
      expect(sorted(Object.fromEntries(stored.map((r) => [r.k, r.n])))).toEqual(sorted(messages));

      // P1/P6: each profile is its last acknowledged edit; every edit is audited.
      const profiles: Record<string, ProfileFields> = {};
      const edits: Record<string, number> = {};
      for (const l of ledgers) {
        for (const [id, p] of l.profiles) profiles[id] = p;
        for (const [id, n] of l.profileEdits) edits[id] = n;
      }
      const profileRows = await rows<ProfileFields & { id: string }>(
        sql`select id::text, display_name as "displayName", email, phone, note from customers where id::text in (${sql.join(
          Object.keys(profiles).map((id) => sql`${id}`),
          sql`, `,
        )})`,
      );
      expect(sorted(Object.fromEntries(profileRows.map(({ id, ...p }) => [id, p])))).toEqual(
        sorted(profiles),
      );
      const audits = await rows<{ k: string; n: number }>(
        sql`select customer_id::text as k, count(*)::int as n from profile_audit where team_id = ${team} group by 1`,
      );
      expect(sorted(Object.fromEntries(audits.map((r) => [r.k, r.n])))).toEqual(sorted(edits));

      // L6 presence and E2/L5 state, status, assignee: the last acknowledged value.
      const conversationRows = await rows<{
        id: string;
        online: boolean;
        pageUrl: string | null;
        state: string;
        active: boolean;
        assigneeId: string | null;
        exported: boolean;
      }>(
        sql`select id::text, presence_online as online, presence_page_url as "pageUrl", state, active, assignee_id::text as "assigneeId", last_exported_at is not null as exported from conversations where team_id = ${team}`,
      );
      const byId = new Map(conversationRows.map((r) => [r.id, r]));
      let presenceChecked = 0;
      let statesChecked = 0;
      for (const l of ledgers) {
        for (const [id, p] of l.presence) {
          expect({ id, online: byId.get(id)?.online, pageUrl: byId.get(id)?.pageUrl }).toEqual({
            id,
            ...p,
          });
          presenceChecked++;
        }
        for (const [id, c] of l.conversations) {
          const row = byId.get(id);
          expect({
            id,
            state: row?.state,
            active: row?.active,
            assigneeId: row?.assigneeId,
          }).toEqual({ id, ...c });
          statesChecked++;
        }
        // L7: a completed CSV download sets the conversation's last export time.
        for (const id of l.csvExported)
          expect({ id, exported: byId.get(id)?.exported }).toEqual({ id, exported: true });
      }
      expect(presenceChecked).toBe(12);
      expect(statesChecked).toBe(9);

      // L7/R4: every link downloaded to the end; every queued email delivered exactly once.
      expect(downloads.completed).toBe(downloads.requested);
      const sent = await rows<{ id: string; status: string }>(
        sql`select id::text, status from email_exports where team_id = ${team}`,
      );
      expect(sent.every((r) => r.status === "sent")).toBe(true);
      expect(new Set(sent.map((r) => r.id))).toEqual(emailExports);
      expect(server.mail).toHaveLength(emailExports.size);
      expect(emailExports.size).toBeGreaterThan(0);
      expect(downloads.completed).toBeGreaterThan(0);
      expect(summary.replays).toBeGreaterThan(0);
    },
    (SOAK_SECONDS + 180) * 1000,
  );
});

if (postgresServers.length === 0) {
  describe("B1 load and soak", () => {
    it("runs only against a PostgreSQL server: TEST_DATABASE_URL is unset here (CI sets it)", () => {
      expect(process.env.TEST_DATABASE_URL).toBeUndefined();
    });
  });
}
