import { randomUUID } from "node:crypto";
import { can, ROLES } from "@customer-panel/core";
import { type EngineHandle, engines } from "@customer-panel/db/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ClosableChangeStream, createChangeStream } from "../../src/index.js";
import { appRouter } from "../../src/router.js";
import { type PanelClient, startTestServer, type TestServer } from "../harness.js";
import { changedTables, type Snapshot, snapshot } from "./snapshot.js";
import { type ExternalRef, SWEEP_CASES, type SweepCase } from "./sweep-cases.js";
import {
  externalIdsOfTeam,
  type Partners,
  type SweepWorld,
  seedSweepWorld,
  uuidsOfTeam,
} from "./sweep-world.js";

/**
 * X1/X2 authorisation sweep: a member of team B in every role, and B's integration key,
 * call every procedure of the router with every uuid of team A (read from the database,
 * every uuid column of every row of A) in every id field, and with A's channel accounts
 * where integrations name customers that way. Each answer must be the expected refusal
 * — NOT_FOUND, or the role's refusal, or FORBIDDEN for the wrong kind of credential —
 * and byte-identical to the answer for a random uuid: B learns nothing of A. The
 * database fingerprint is unchanged after every caller's sweep. Procedures without ids
 * are called once and must answer B's data only.
 */

type Caller = {
  readonly name: string;
  readonly kind: "member" | "integration";
  readonly role: string;
};
const CALLERS: readonly Caller[] = [
  ...ROLES.map((role) => ({ name: role, kind: "member" as const, role })),
  { name: "integration", kind: "integration", role: "api" },
];

/** An answer reduced to what the caller can observe, as text: equal text, equal answer. */
type Answer = { readonly text: string; readonly code: string; readonly value: unknown };

const answerOf = async (promise: Promise<unknown>): Promise<Answer> => {
  try {
    const value = await promise;
    return { text: JSON.stringify({ ok: value }), code: "ok", value };
  } catch (error) {
    const e = error as { message: string; data?: Record<string, unknown> | null };
    const observed = {
      message: e.message,
      code: e.data?.code,
      httpStatus: e.data?.httpStatus,
      domainCode: e.data?.domainCode ?? null,
      fields: e.data?.fields ?? [],
    };
    const code = String(observed.domainCode ?? observed.code ?? "NETWORK");
    return { text: JSON.stringify(observed), code, value: null };
  }
};

const procedures = appRouter._def.procedures as unknown as Record<
  string,
  { _def: { type: string } }
>;

// Dynamic access by path: the table drives the calls, the router's types can not.
const call = (client: PanelClient, path: string, input: unknown): Promise<unknown> => {
  const type = procedures[path]?._def.type;
  const node = path
    .split(".")
    .reduce<unknown>((n, key) => (n as Record<string, unknown>)[key], client) as Record<
    string,
    (input: unknown) => Promise<unknown>
  >;
  const invoke = node[type === "query" ? "query" : "mutate"];
  if (invoke === undefined) throw new Error(`no ${type} on ${path}`);
  return invoke(input);
};

/** What a caller must get from a procedure when the input names nothing of its own team. */
const expectedCode = (caller: Caller, sweepCase: SweepCase): string => {
  if (caller.kind !== sweepCase.by) return "FORBIDDEN";
  if (sweepCase.shape === "external") return sweepCase.answers;
  const action = sweepCase.action;
  if (action !== null && !can(caller.role, action).allowed) return "ROLE_NOT_ALLOWED";
  return sweepCase.shape === "once" ? "ok" : "NOT_FOUND";
};

/** Runs thunks with at most `width` at once (a batch is at most 20 calls). */
const inParallel = async (tasks: readonly (() => Promise<void>)[], width = 20) => {
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) await tasks[next++]?.();
  };
  await Promise.all(Array.from({ length: width }, worker));
};

const randomPartners = (): Partners => ({
  conversationId: randomUUID(),
  customerId: randomUUID(),
  tagId: randomUUID(),
  memberId: randomUUID(),
});

describe.each(engines)("X2 authorisation sweep on $name", (engine) => {
  let handle: EngineHandle;
  let server: TestServer;
  let changes: ClosableChangeStream;
  let sweep: SweepWorld;
  let idsOfA: string[];
  let refsOfA: ExternalRef[];
  /** Strings that would betray A: its uuids, channel accounts, tag and customer names. */
  let secretsOfA: string[];
  let before: Snapshot;
  const tally = { calls: 0, ids: 0, procedures: 0, byCaller: {} as Record<string, number> };

  beforeAll(async () => {
    handle = await engine.open();
    const database = await handle.fresh();
    changes = createChangeStream(database);
    server = await startTestServer(database, { changes });
    sweep = await seedSweepWorld(server);
    idsOfA = await uuidsOfTeam(server, sweep.teamA);
    const external = await externalIdsOfTeam(server, sweep.teamA);
    refsOfA = external.identities.map((identity, i) => ({
      identity,
      websiteMemberId: external.websiteMemberIds[i % external.websiteMemberIds.length] ?? "",
    }));
    const names = (await server.database.db.execute(
      sql`select name as v from tags where team_id = ${sweep.teamA}::uuid union select display_name from customers where team_id = ${sweep.teamA}::uuid`,
    )) as unknown as { rows?: { v: string }[] } | { v: string }[];
    const nameRows = Array.isArray(names) ? names : (names.rows ?? []);
    secretsOfA = [
      ...idsOfA,
      ...external.identities.map((r) => r.externalUserId),
      ...external.websiteMemberIds,
      ...nameRows.map((r) => r.v),
    ];
    before = await snapshot(server.database);
  }, 300_000);

  afterAll(async () => {
    console.log(`sweep on ${engine.name}: ${JSON.stringify(tally)}`);
    await changes?.close();
    await server?.close();
    await handle?.dispose();
  });

  it("X2 the sweep covers every procedure of the router, and team A is seeded on every table", async () => {
    expect(Object.keys(procedures).sort()).toEqual(Object.keys(SWEEP_CASES).sort());
    tally.procedures = Object.keys(procedures).length;
    tally.ids = idsOfA.length;
    // Every table of the schema holds some of A's rows, so every kind of id is swept.
    const empty = Object.entries(before).filter(([, t]) => t.rows === 0);
    expect(empty).toEqual([]);
    const channels = new Set(refsOfA.map((r) => r.identity.channel));
    expect([...channels].sort()).toEqual(["facebook", "instagram", "line", "webchat", "whatsapp"]);
    expect(idsOfA.length).toBeGreaterThan(50);
  });

  /** The answer B must see for an input that names only B's own things, checked per path. */
  const checkOwnData = async (path: string, answer: Answer) => {
    if (path === "preferences.setPanelHidden") expect(answer.value).toEqual({ hidden: false });
    if (path === "tags.suggest") expect(answer.text).toContain(sweep.tagNameB);
    if (path === "conversations.search" || path === "conversations.list")
      expect(answer.text).toContain(sweep.partnersB.conversationId);
    if (path.startsWith("tagReports.")) {
      const res = await fetch(`${server.url}${(answer.value as { url: string }).url}`);
      expect(res.status).toBe(200);
      const csv = await res.text();
      expect(csv).toContain(sweep.tagNameB);
      for (const secret of secretsOfA) expect(csv).not.toContain(secret);
    }
  };

  it.each(CALLERS)(
    "X2 team B's $name gets NOT_FOUND (or its refusal) for every id of team A on every procedure, exactly as for a random uuid, and learns nothing",
    async (caller) => {
      const client = server.client(
        caller.kind === "member"
          ? sweep.membersB[caller.role as (typeof ROLES)[number]].secret
          : sweep.integrationB,
      );
      const mismatches: unknown[] = [];
      let calls = 0;
      const compare = async (path: string, expected: string, baseline: Answer, input: unknown) => {
        const got = await answerOf(call(client, path, input));
        calls++;
        if (got.text !== baseline.text || got.code !== expected) {
          mismatches.push({ path, input, expected, got: got.text, baseline: baseline.text });
        }
        for (const secret of got.code === "ok" ? secretsOfA : []) {
          if (got.text.includes(secret)) mismatches.push({ path, input, leaked: secret });
        }
      };

      for (const [path, sweepCase] of Object.entries(SWEEP_CASES)) {
        if (procedures[path]?._def.type === "subscription") continue;
        const expected = expectedCode(caller, sweepCase);
        if (sweepCase.shape === "once") {
          const answer = await answerOf(call(client, path, sweepCase.input));
          calls++;
          expect({ path, code: answer.code }).toEqual({ path, code: expected });
          for (const secret of secretsOfA) expect(answer.text).not.toContain(secret);
          if (answer.code === "ok") await checkOwnData(path, answer);
          continue;
        }
        if (sweepCase.shape === "external") {
          const randomRef = (r: ExternalRef): ExternalRef => ({
            identity: { channel: r.identity.channel, externalUserId: `x-${randomUUID()}` },
            websiteMemberId: `wm-${randomUUID()}`,
          });
          const tasks = refsOfA.map((ref) => async () => {
            const baseline = await answerOf(call(client, path, sweepCase.input(randomRef(ref))));
            calls++;
            await compare(path, expected, baseline, sweepCase.input(ref));
          });
          await inParallel(tasks);
          continue;
        }
        for (const variant of sweepCase.variants) {
          // One field swept at a time; the others are B's own ids, then A's (a foreign pair).
          const partnerSets =
            variant.fields.length > 1 ? [sweep.partnersB, sweep.partnersA] : [sweep.partnersB];
          for (const partners of partnerSets) {
            for (const field of variant.fields) {
              const baseline = await answerOf(
                call(
                  client,
                  path,
                  variant.input({ ...partners, [field]: randomPartners()[field] }),
                ),
              );
              calls++;
              expect({ path, variant: variant.name, code: baseline.code }).toEqual({
                path,
                variant: variant.name,
                code: expected,
              });
              await inParallel(
                idsOfA.map(
                  (id) => () =>
                    compare(path, expected, baseline, variant.input({ ...partners, [field]: id })),
                ),
              );
            }
          }
        }
      }
      tally.calls += calls;
      tally.byCaller[caller.name] = calls;
      expect(mismatches).toEqual([]);
      expect(changedTables(before, await snapshot(server.database))).toEqual([]);
    },
    300_000,
  );

  it.each(CALLERS)(
    "X2 B6 team B's $name subscribing to every id of team A hears nothing, exactly as for a random uuid",
    async (caller) => {
      const client = server.client(
        caller.kind === "member"
          ? sweep.membersB[caller.role as (typeof ROLES)[number]].secret
          : sweep.integrationB,
      );
      type Heard = { data: unknown[]; error: string | null };
      const listen = (conversationId: string) => {
        const heard: Heard = { data: [], error: null };
        const sub = client.panel.onChange.subscribe(
          { conversationId, lastEventId: "0" },
          {
            onData: (d) => heard.data.push(d),
            onError: (e) => {
              heard.error = JSON.stringify({ message: e.message, code: e.data?.code });
            },
          },
        );
        return { heard, stop: () => sub.unsubscribe() };
      };
      const settle = async (done: () => boolean) => {
        const deadline = performance.now() + 10_000;
        while (!done() && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
        // The control's backlog arrived; the others had the same time to answer.
        await new Promise((r) => setTimeout(r, 300));
      };
      const own = listen(sweep.partnersB.conversationId);
      const random = listen(randomUUID());
      await settle(() => own.heard.data.length > 0 || own.heard.error !== null);
      random.stop();
      own.stop();
      if (caller.kind === "member") {
        // The control: B's own conversation replays its backlog to B.
        expect(own.heard.data.length).toBeGreaterThan(0);
        expect(random.heard).toEqual({ data: [], error: null });
      } else {
        expect(JSON.parse(own.heard.error ?? "{}").code).toBe("FORBIDDEN");
      }
      const expected = JSON.stringify(random.heard);
      const mismatches: unknown[] = [];
      for (let i = 0; i < idsOfA.length; i += 30) {
        const chunk = idsOfA.slice(i, i + 30).map((id) => ({ id, ...listen(id) }));
        const control = listen(sweep.partnersB.conversationId);
        await settle(() =>
          caller.kind === "member"
            ? control.heard.data.length > 0
            : chunk.every((c) => c.heard.error !== null),
        );
        control.stop();
        for (const c of chunk) {
          c.stop();
          if (JSON.stringify(c.heard) !== expected) mismatches.push({ id: c.id, heard: c.heard });
        }
      }
      tally.calls += idsOfA.length + 1;
      tally.byCaller[`${caller.name} onChange`] = idsOfA.length + 1;
      expect(mismatches).toEqual([]);
      expect(changedTables(before, await snapshot(server.database))).toEqual([]);
    },
    300_000,
  );
});
