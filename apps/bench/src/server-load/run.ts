import { issueCredential } from "@customer-panel/trpc";
import { FIXTURE, idSql, type Scale } from "../dataset.js";
import type { BenchEngine } from "../engine.js";
import { summarise } from "../measure.js";
import { CONNECTIONS, type LoadRequest, type LoadRun, loadRun } from "./http-load.js";
import {
  buildPanelServer,
  type ServerProcess,
  startBaselineServer,
  startPanelServer,
} from "./processes.js";

/** One operation driven over HTTP against the panel server and the baseline server. */
export interface ServerLoadRow {
  readonly operation: string;
  /** The built `customer-panel serve`: medians over the rounds. */
  readonly server: LoadRun;
  /** The minimal node:http + pg server: medians over the rounds. */
  readonly baseline: LoadRun;
  /** Server requests/s ÷ baseline requests/s (higher is better; target ≥ 0.6). */
  readonly throughputRatio: number;
  /** Server p99 ÷ baseline p99 (lower is better; target ≤ 2). */
  readonly p99Ratio: number;
  readonly facts: Readonly<Record<string, number | boolean>>;
}

/** The end-to-end section of a report (PostgreSQL only). */
export interface ServerLoadResults {
  readonly poolSize: number;
  readonly connections: number;
  readonly seconds: number;
  readonly rounds: number;
  readonly rows: readonly ServerLoadRow[];
}

/** Targets of issue 19 item 1. */
export const THROUGHPUT_TARGET = 0.6;
export const P99_TARGET = 2;

/** Connections of each server's pool: the server's default DATABASE_POOL_SIZE. */
const POOL_SIZE = 10;
/** At most this many distinct customers per `tags.apply` run (a run stops at the last). */
const APPLY_TARGETS = 20_000;
/** Entries in the `events.list` conversation's log (a page is 50). */
const EVENTS = 200;

const input = (value: unknown) => encodeURIComponent(JSON.stringify({ json: value }));

type Side = "server" | "baseline";

const median = (runs: readonly LoadRun[], pick: (run: LoadRun) => number) =>
  summarise(runs.map(pick)).median;

const medianRun = (runs: readonly LoadRun[]): LoadRun => ({
  perSecond: median(runs, (r) => r.perSecond),
  p50: median(runs, (r) => r.p50),
  p99: median(runs, (r) => r.p99),
  cpuMsPerRequest: runs.some((r) => r.cpuMsPerRequest === null)
    ? null
    : median(runs, (r) => r.cpuMsPerRequest ?? 0),
  ok: runs.reduce((n, r) => n + r.ok, 0),
  failed: runs.reduce((n, r) => n + r.failed, 0),
});

/**
 * Runs one operation `rounds` times on each side, server first in odd rounds and baseline
 * first in even ones, so neither always meets a warmer database.
 */
const alternateLoad = async (
  rounds: number,
  run: (side: Side, round: number) => Promise<LoadRun>,
): Promise<{ server: LoadRun; baseline: LoadRun }> => {
  const runs: Record<Side, LoadRun[]> = { server: [], baseline: [] };
  for (let round = 0; round < rounds; round++) {
    const order: Side[] = round % 2 === 0 ? ["server", "baseline"] : ["baseline", "server"];
    for (const side of order) runs[side].push(await run(side, round));
  }
  return { server: medianRun(runs.server), baseline: medianRun(runs.baseline) };
};

const row = (
  operation: string,
  measured: { server: LoadRun; baseline: LoadRun },
  facts: Record<string, number | boolean>,
): ServerLoadRow => ({
  operation,
  ...measured,
  throughputRatio: measured.server.perSecond / measured.baseline.perSecond,
  p99Ratio: measured.server.p99 / measured.baseline.p99,
  facts: { ...facts, failed: measured.server.failed + measured.baseline.failed },
});

/** The log `events.list` pages through: {@link EVENTS} state changes, a minute apart. */
const seedEvents = (engine: BenchEngine, conversationId: string) =>
  engine.raw(
    `insert into conversation_events (id, team_id, conversation_id, type, detail, member_id, member_name, at)
     select gen_random_uuid(), $1, $2, 'state_changed',
            jsonb_build_object('from', 'pending', 'to', 'in_progress'), $3, '管理員',
            timestamptz '${FIXTURE.base}' - i * interval '1 minute'
     from generate_series(1, ${EVENTS}) i`,
    [FIXTURE.teamId, conversationId, FIXTURE.adminId],
  );

// What the API's input schema accepts as a UUID (version 1–8, RFC variant). The generated
// data set's ids are md5 hashes, and only some of them are.
const API_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The first generated conversation whose id the API accepts (it holds tags, as any). */
const conversationForReads = async (engine: BenchEngine): Promise<string> => {
  const ids = await engine.raw<{ id: string }>(
    `select ${idSql("conversation", "i")}::text as id from generate_series(1, 200) i order by i`,
  );
  const found = ids.find(({ id }) => API_UUID.test(id));
  if (found === undefined) throw new Error("no generated conversation id is a v1–v8 UUID");
  return found.id;
};

/**
 * Customers (each with an identity and a conversation) for the HTTP `tags.apply` rows, with
 * random v4 ids: one per request of a run, at most {@link APPLY_TARGETS}.
 */
const seedApplyTargets = async (engine: BenchEngine, count: number) => {
  const rows = await engine.raw<{ customer_id: string; conversation_id: string }>(
    `with c as (
       insert into customers (id, team_id, display_name, created_at)
       select gen_random_uuid(), $1, 'HTTP 顧客 ' || i, timestamptz '${FIXTURE.base}' - interval '200 days'
       from generate_series(1, ${count}) i returning id),
     i as (
       insert into identities (id, team_id, customer_id, channel, external_id, created_at)
       select gen_random_uuid(), $1, c.id, 'line', 'http-' || c.id, timestamptz '${FIXTURE.base}' - interval '200 days'
       from c returning id, customer_id)
     insert into conversations (id, team_id, customer_id, identity_id, channel, state, last_message_at, created_at)
     select gen_random_uuid(), $1, i.customer_id, i.id, 'line', 'in_progress',
            timestamptz '${FIXTURE.base}', timestamptz '${FIXTURE.base}' - interval '200 days'
     from i returning customer_id, id as conversation_id`,
    [FIXTURE.teamId],
  );
  return {
    customers: rows.map((r) => r.customer_id),
    conversations: rows.map((r) => r.conversation_id),
  };
};

/** Checks that both servers answer `request` with 200 before any load: the rows measure work. */
const answersOk = async (
  servers: Record<Side, ServerProcess>,
  headers: Record<string, string>,
  request: LoadRequest,
) => {
  for (const side of ["server", "baseline"] as const) {
    const response = await fetch(`${servers[side].url}${request.path}`, {
      method: request.method,
      headers: { ...headers, "content-type": "application/json" },
      ...(request.body !== undefined && { body: request.body }),
    });
    const body = await response.text();
    if (response.status !== 200) {
      throw new Error(`${side} ${request.path} answered ${response.status}: ${body.slice(0, 300)}`);
    }
  }
  return true;
};

/**
 * Issue 19 item 1: the built `customer-panel serve` (one process, pool {@link POOL_SIZE},
 * JSON request logs written) and the minimal baseline server (one process, same pool) on the
 * generated PostgreSQL database, each driven by {@link CONNECTIONS} keep-alive connections
 * for `panel.get`, `events.list` and confirmed `tags.apply` on distinct customers. Both
 * authenticate every request by a credential look-up.
 */
export const runServerLoad = async (
  engine: BenchEngine,
  scale: Scale,
  log?: (line: string) => void,
): Promise<ServerLoadResults> => {
  if (engine.url === null) throw new Error("the server rows need PostgreSQL");
  const conversation = { id: await conversationForReads(engine) };
  await seedEvents(engine, conversation.id);
  const { secret } = await issueCredential(engine.database.db, {
    teamId: FIXTURE.teamId,
    kind: "member",
    memberId: FIXTURE.adminId,
    client: "web",
  });
  const headers = { authorization: `Bearer ${secret}` };
  const command = buildPanelServer();
  log?.(`server rows: ${CONNECTIONS} connections, ${scale.serverSeconds} s per run…`);
  const servers: Partial<Record<Side, ServerProcess>> = {};
  try {
    servers.server = await startPanelServer(command, engine.url, POOL_SIZE);
    servers.baseline = await startBaselineServer(engine.url, POOL_SIZE);
    const both = servers as Record<Side, ServerProcess>;
    const drive = (side: Side, next: (i: number) => LoadRequest, limit?: number) =>
      loadRun({
        url: both[side].url,
        pid: both[side].pid,
        headers,
        seconds: scale.serverSeconds,
        next,
        ...(limit !== undefined && { limit }),
      });

    const panel: LoadRequest = {
      path: `/trpc/panel.get?input=${input({ conversationId: conversation.id })}`,
      method: "GET",
    };
    const events: LoadRequest = {
      path: `/trpc/events.list?input=${input({ conversationId: conversation.id })}`,
      method: "GET",
    };
    const rows: ServerLoadRow[] = [];
    // Warm-up, untimed: JIT, each pool connection's prepared statements, buffer cache.
    for (const side of ["server", "baseline"] as const) {
      await loadRun({ url: both[side].url, headers, seconds: 1, next: () => panel });
    }
    const panelChecked = await answersOk(both, headers, panel);
    rows.push(
      row(
        "panel.get",
        await alternateLoad(scale.serverRounds, (side) => drive(side, () => panel)),
        { checked: panelChecked },
      ),
    );
    const eventsChecked = await answersOk(both, headers, events);
    rows.push(
      row(
        `events.list (${EVENTS} entries, page 50)`,
        await alternateLoad(scale.serverRounds, (side) => drive(side, () => events)),
        { checked: eventsChecked },
      ),
    );
    rows.push(await applyRow(engine, scale, drive));
    return {
      poolSize: POOL_SIZE,
      connections: CONNECTIONS,
      seconds: scale.serverSeconds,
      rounds: scale.serverRounds,
      rows,
    };
  } finally {
    await servers.server?.stop();
    await servers.baseline?.stop();
  }
};

/**
 * Confirmed `tags.apply` on distinct customers: each run applies its own new tag, one
 * request per customer, stopping at the last customer; afterwards each tag holds one
 * application per customer (none twice) and one per 2xx answer (plus those still in flight
 * when the run ended).
 */
const applyRow = async (
  engine: BenchEngine,
  scale: Scale,
  drive: (side: Side, next: (i: number) => LoadRequest, limit?: number) => Promise<LoadRun>,
): Promise<ServerLoadRow> => {
  const { customers, conversations } = await seedApplyTargets(
    engine,
    Math.min(scale.customers, APPLY_TARGETS),
  );
  const tagOf = (side: Side, round: number) => `bench http ${side} ${round}`;
  const answered: { side: Side; round: number; ok: number }[] = [];
  const measured = await alternateLoad(scale.serverRounds, async (side, round) => {
    const name = tagOf(side, round);
    const run = await drive(
      side,
      (i) => ({
        path: "/trpc/tags.apply",
        method: "POST",
        body: JSON.stringify({
          json: {
            customerId: customers[i % customers.length],
            conversationId: conversations[i % conversations.length],
            name,
            confirm: true,
          },
        }),
      }),
      customers.length,
    );
    answered.push({ side, round, ok: run.ok });
    return run;
  });
  // A run ends with up to CONNECTIONS requests in flight: the server still applies them, the
  // load generator no longer counts their answers.
  let distinctCustomers = true;
  let appliedEveryAnswer = true;
  for (const { side, round, ok } of answered) {
    const [counts] = await engine.raw<{ applications: number; holders: number }>(
      `select (select count(*)::int from tag_applications a where a.tag_id = t.id) as applications,
              (select count(*)::int from customer_tags ct where ct.tag_id = t.id and ct.count = 1) as holders
       from tags t where t.team_id = $1 and t.key = $2`,
      [FIXTURE.teamId, tagOf(side, round)],
    );
    if (counts === undefined || counts.holders !== counts.applications) distinctCustomers = false;
    if (
      counts === undefined ||
      counts.applications < ok ||
      counts.applications > ok + CONNECTIONS
    ) {
      appliedEveryAnswer = false;
    }
  }
  return row("tags.apply (confirmed, distinct customers)", measured, {
    customers: customers.length,
    distinctCustomers,
    appliedEveryAnswer,
  });
};
