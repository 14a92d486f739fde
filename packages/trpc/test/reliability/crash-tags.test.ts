import { seedCustomer, seedMember, seedTeam } from "@customer-panel/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueCredential } from "../../src/auth.js";
import {
  type CrashServer,
  crashClient,
  isConnectionFailure,
  killAllStarted,
  killHard,
  rowsOf,
  startCrashServer,
  stopGracefully,
} from "../fixtures/crash-process.js";
import { createServerDatabase, postgresServers } from "../fixtures/server-database.js";

/**
 * Issue 7, T7/T8 under a crash: members and an integration apply tags from several
 * clients at once, repeats included; the API server process is SIGKILLed mid-stream —
 * exactly when one application has committed and its answer has not left — and started
 * again on the same PostgreSQL database. Every call that got no answer is retried with
 * its idempotency key. PostgreSQL only (the server runs as a separate process), so it
 * runs where TEST_DATABASE_URL is set — in CI.
 */

const SECRET = "crash test download secret, long enough for HMAC";
const TAG_NAMES = ["VIP", "回購客", "Follow-up"] as const;
const CUSTOMERS = 4;
const MEMBER_CLIENTS = 4;
const INTEGRATION_CLIENTS = 2;
/** The fresh application after whose commit the server stops answering and is killed. */
const HOLD_AT = 120;

/** One call: who makes it, on what, with which key — the same input when retried. */
interface Call {
  readonly client: number;
  readonly key: string;
  readonly customer: number;
  readonly tag: string;
  readonly via: "member" | "integration";
}

/** What a call finally answered (at the first try, or at its retry). */
interface Answer {
  readonly applicationId: string;
  readonly count: number;
  readonly replayed: boolean;
  readonly tagId: string;
}

describe.each(postgresServers)(
  "T8 tag applications survive a SIGKILL of the API server on $name",
  ({ adminUrl }) => {
    let store: Awaited<ReturnType<typeof createServerDatabase>>;
    let server: CrashServer;
    let memberSecret: string;
    let integrationSecret: string;
    const customers: { customerId: string; conversationId: string }[] = [];

    const callOf = (client: number, i: number): Call => ({
      client,
      key: `crash-tags:${client}:${i}`,
      customer: (client + i) % CUSTOMERS,
      // Both the customer and the tag walk, so one (customer, tag) pair gets many repeats.
      tag: TAG_NAMES[(client * 7 + i) % TAG_NAMES.length] ?? "VIP",
      via: client < MEMBER_CLIENTS ? "member" : "integration",
    });

    const send = async (url: string, call: Call): Promise<Answer> => {
      const target = customers[call.customer];
      if (target === undefined) throw new Error("no such customer");
      const result =
        call.via === "member"
          ? await crashClient(url, memberSecret).tags.apply.mutate({
              customerId: target.customerId,
              conversationId: target.conversationId,
              name: call.tag,
              confirm: true,
              idempotencyKey: call.key,
            })
          : await crashClient(url, integrationSecret).ingest.tag.mutate({
              customerId: target.customerId,
              name: call.tag,
              method: "automation",
              idempotencyKey: call.key,
            });
      if (result.kind !== "applied") throw new Error(`not applied: ${JSON.stringify(result)}`);
      return {
        applicationId: result.applicationId,
        count: result.count,
        replayed: result.replayed,
        tagId: result.tagId,
      };
    };

    beforeAll(async () => {
      store = await createServerDatabase(adminUrl, { prefix: "panel_crash", poolSize: 4 });
      const { db } = store.database;
      const teamId = await seedTeam(db, { name: "Crash team" });
      const admin = await seedMember(db, teamId, "admin", "管理員 Ada");
      memberSecret = (
        await issueCredential(db, { teamId, kind: "member", memberId: admin, client: "web" })
      ).secret;
      integrationSecret = (await issueCredential(db, { teamId, kind: "integration" })).secret;
      for (let i = 0; i < CUSTOMERS; i++) {
        customers.push(
          await seedCustomer(db, teamId, { channel: "line", externalId: `U-crash-${i}` }),
        );
      }
    });

    afterAll(async () => {
      await killAllStarted();
      await store?.drop();
    });

    it("every acknowledged application is kept, every unanswered one retried with its key counts once, and counts, uses and history agree", async () => {
      server = await startCrashServer({
        DATABASE_URL: store.url,
        SECRET,
        HOLD: JSON.stringify({ point: "tag-after-commit", nth: HOLD_AT }),
      });
      const answers = new Map<string, Answer>();
      const calls: Call[] = [];
      const unanswered: Call[] = [];
      const refusals: unknown[] = [];
      let stopped = false;

      // Each client fires its calls one after another until its call fails (the server died).
      const fire = async (client: number) => {
        for (let i = 0; !stopped; i++) {
          const call = callOf(client, i);
          calls.push(call);
          try {
            answers.set(call.key, await send(server.url, call));
          } catch (error) {
            if (!isConnectionFailure(error)) refusals.push(error);
            unanswered.push(call);
            return;
          }
        }
      };
      const clients = Array.from({ length: MEMBER_CLIENTS + INTEGRATION_CLIENTS }, (_, c) =>
        fire(c),
      );
      const held = await server.line((l) => l.hold === "tag-after-commit", 60_000);
      stopped = true;
      await killHard(server);
      await Promise.all(clients);
      const acknowledgedBeforeKill = answers.size;

      expect(refusals).toEqual([]);
      // The held call committed and was never answered: it is one of the unanswered calls.
      expect(unanswered.map((c) => c.key)).toContain(held.ref);

      // Restart on the same database; retry every unanswered call with the same key and input.
      server = await startCrashServer({ DATABASE_URL: store.url, SECRET });
      const retried: { key: string; replayed: boolean }[] = [];
      for (const call of unanswered) {
        const answer = await send(server.url, call);
        answers.set(call.key, answer);
        retried.push({ key: call.key, replayed: answer.replayed });
      }
      // The application that committed before the kill is replayed, not applied again.
      expect(retried.find((r) => r.key === held.ref)).toEqual({ key: held.ref, replayed: true });

      // Life goes on after the restart: a few more applications from every client.
      for (let c = 0; c < MEMBER_CLIENTS + INTEGRATION_CLIENTS; c++) {
        for (let i = 10_000; i < 10_005; i++) {
          const call = callOf(c, i);
          calls.push(call);
          answers.set(call.key, await send(server.url, call));
        }
      }
      expect(answers.size).toBe(calls.length);

      const db = store.database;
      // Per (customer, tag): the history, the count and the answers agree exactly.
      const history = await rowsOf<{ customer_id: string; tag_id: string; n: number }>(
        db,
        "select customer_id, tag_id, count(*)::int as n from tag_applications group by 1, 2",
      );
      const counts = await rowsOf<{ customer_id: string; tag_id: string; count: number }>(
        db,
        "select customer_id, tag_id, count::int as count from customer_tags",
      );
      const expected = new Map<string, number[]>();
      for (const call of calls) {
        const answer = answers.get(call.key);
        if (answer === undefined) throw new Error(`no answer for ${call.key}`);
        const pair = `${customers[call.customer]?.customerId}/${answer.tagId}`;
        expected.set(pair, [...(expected.get(pair) ?? []), answer.count]);
      }
      const historyByPair = new Map(history.map((r) => [`${r.customer_id}/${r.tag_id}`, r.n]));
      const countByPair = new Map(counts.map((r) => [`${r.customer_id}/${r.tag_id}`, r.count]));
      expect([...historyByPair.keys()].sort()).toEqual([...expected.keys()].sort());
      for (const [pair, answered] of expected) {
        // One application per call, never two …
        expect(historyByPair.get(pair)).toBe(answered.length);
        expect(countByPair.get(pair)).toBe(answered.length);
        // … and the counts the calls were answered are exactly 1, 2, …, n: none skipped, none twice.
        expect([...answered].sort((a, b) => a - b)).toEqual(
          Array.from({ length: answered.length }, (_, k) => k + 1),
        );
      }

      // Every answer names its own application row, on the customer and tag it asked for.
      const rows = await rowsOf<{ id: string; customer_id: string; tag_id: string }>(
        db,
        "select id, customer_id, tag_id from tag_applications",
      );
      const byId = new Map(rows.map((r) => [r.id, r]));
      expect(rows).toHaveLength(calls.length);
      expect(new Set([...answers.values()].map((a) => a.applicationId)).size).toBe(calls.length);
      for (const call of calls) {
        const answer = answers.get(call.key);
        expect(byId.get(answer?.applicationId ?? "")).toMatchObject({
          customer_id: customers[call.customer]?.customerId,
          tag_id: answer?.tagId,
        });
      }

      // tags.uses is the number of applications of the tag; one idempotency key per call.
      const uses = await rowsOf<{ name: string; uses: number; applications: number }>(
        db,
        `select t.name, t.uses::int as uses, (select count(*)::int from tag_applications a where a.tag_id = t.id) as applications
       from tags t order by t.name`,
      );
      expect(uses).toHaveLength(TAG_NAMES.length);
      for (const tag of uses) expect(tag.uses).toBe(tag.applications);
      const [keys] = await rowsOf<{ n: number }>(
        db,
        "select count(*)::int as n from idempotency_keys",
      );
      expect(keys?.n).toBe(calls.length);

      console.info(
        `[crash-tags] calls ${calls.length}: ${acknowledgedBeforeKill} acknowledged before the kill ` +
          `(held after commit of fresh application #${HOLD_AT}), ${unanswered.length} unanswered and retried ` +
          `(${retried.filter((r) => r.replayed).length} replayed, ${retried.filter((r) => !r.replayed).length} applied at the retry), ` +
          `${calls.length - acknowledgedBeforeKill - unanswered.length} after the restart`,
      );

      expect(await stopGracefully(server)).toBe(0);
    });
  },
);

if (postgresServers.length === 0) {
  describe("T8 tag applications survive a SIGKILL of the API server", () => {
    it("runs only against a PostgreSQL server: TEST_DATABASE_URL is unset here (CI sets it)", () => {
      expect(process.env.TEST_DATABASE_URL).toBeUndefined();
    });
  });
}
