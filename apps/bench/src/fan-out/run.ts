import { randomUUID } from "node:crypto";
import { loadavg } from "node:os";
import * as schema from "@customer-panel/db/schema";
import { issueCredential } from "@customer-panel/trpc";
import type { Scale } from "../dataset.js";
import { type BenchEngine, openEngine } from "../engine.js";
import {
  buildPanelServer,
  type ServerProcess,
  startPanelServer,
} from "../server-load/processes.js";
import { type ProbeRun, probePanelGet } from "./probe.js";
import { cpuSecondsOf, type RssTrend, sampleRss } from "./process-stats.js";
import { publishAtRate, publishChanges } from "./publish-changes.js";
import { type SubscriberLoad, startSubscriberLoad } from "./subscriber-load.js";
import { type Expected, receivedExactly, type Tally } from "./subscriber-tally.js";

/** How large a fan-out run is. */
export interface FanOutScale {
  /** Subscribers of the one team (split evenly between the servers of a phase). */
  readonly subscribers: number;
  /** Changes published a second, and for how long. */
  readonly rate: number;
  readonly seconds: number;
  /** `panel.get` probed before any subscriber, seconds. */
  readonly idleSeconds: number;
  /** After the last change: how long delivery may still take before the run gives up, seconds. */
  readonly drainSeconds: number;
}

/** The issue's scale (issue 19 item 2): 1,000 subscribers, 1,000 changes/s, 30 s. */
export const FANOUT_DEFAULT: FanOutScale = {
  subscribers: 1_000,
  rate: 1_000,
  seconds: 30,
  idleSeconds: 5,
  drainSeconds: 10,
};

/** `--mid`: a tenth of the default's deliveries a second, a third of its time. */
export const FANOUT_MID: FanOutScale = {
  subscribers: 300,
  rate: 300,
  seconds: 10,
  idleSeconds: 3,
  drainSeconds: 20,
};

/** `--quick` (CI): 100 subscribers, 200 changes/s, 5 s; delivery must complete. */
export const FANOUT_QUICK: FanOutScale = {
  subscribers: 100,
  rate: 200,
  seconds: 5,
  idleSeconds: 2,
  drainSeconds: 60,
};

/** The fan-out scale of a bench scale. */
export const fanOutScaleOf = (scale: Scale): FanOutScale =>
  scale.name === "quick" ? FANOUT_QUICK : scale.name === "mid" ? FANOUT_MID : FANOUT_DEFAULT;

/** Whether every subscriber got every published change, once. */
export interface Delivery {
  /** Every subscriber received exactly the published ids, each once, in order. */
  readonly exactlyOnce: boolean;
  readonly subscribersComplete: number;
  /** Changes received, all subscribers together, and what that should be (published × subscribers). */
  readonly delivered: number;
  readonly expected: number;
  /** Ids received not above the one before (a duplicate or reordering), all subscribers. */
  readonly notIncreasing: number;
  /** Subscriptions ended by an error, and reconnections the clients made by themselves. */
  readonly errors: number;
  readonly reconnects: number;
  /** Share of `expected` received when the last change was published. */
  readonly shareAtLoadEnd: number;
  /** From the last change published until all was delivered (or the run gave up), s. */
  readonly drainSeconds: number;
  /** Deliveries a second from the first change published to the end of delivery. */
  readonly perSecond: number;
}

/** One fan-out measurement: one or two server processes on one database. */
export interface FanOutPhase {
  readonly servers: number;
  readonly subscribers: number;
  readonly rate: number;
  readonly seconds: number;
  /** Changes published (rate × seconds). */
  readonly published: number;
  readonly delivery: Delivery;
  /** `panel.get` of the first server, before any subscriber and while changes flow. */
  readonly panelGet: {
    readonly idle: ProbeRun;
    readonly loaded: ProbeRun;
    readonly p99Ratio: number;
  };
  /** Each server's RSS from the first change to the end of delivery. */
  readonly rss: readonly RssTrend[];
  /** CPU seconds per wall second over the same window: each server, and the subscriber process. */
  readonly cpu: { readonly servers: readonly number[]; readonly subscribers: number };
  /** The machine's 1-minute load average before and after the phase. */
  readonly loadAverage: { readonly before: number; readonly after: number };
}

/** The fan-out section of a report (PostgreSQL only). */
export interface FanOutResults {
  readonly scale: FanOutScale;
  readonly phases: readonly FanOutPhase[];
}

/** Targets of issue 19 item 2: loaded `panel.get` p99 ÷ idle p99, and RSS slope (MB/min). */
export const FANOUT_P99_TARGET = 2;
export const FLAT_RSS_MB_PER_MINUTE = 2;

const POOL_SIZE = 10;

interface World {
  readonly engine: BenchEngine;
  readonly command: string;
  readonly teamId: string;
  readonly conversationId: string;
  readonly secret: string;
}

/** One team, its admin with a member credential, and one conversation, in the empty database. */
const seedWorld = async (engine: BenchEngine, command: string): Promise<World> => {
  const { db } = engine.database;
  const teamId = randomUUID();
  const memberId = randomUUID();
  await db.insert(schema.teams).values({ id: teamId, name: "Fan-out", timeZone: "Asia/Taipei" });
  await db.insert(schema.members).values({ id: memberId, teamId, name: "Ada", role: "admin" });
  const { secret } = await issueCredential(db, { teamId, kind: "member", memberId, client: "web" });
  const [row] = await engine.raw<{ id: string }>(
    `with c as (
       insert into customers (id, team_id, display_name, created_at)
       values (gen_random_uuid(), $1, 'Fan-out', now()) returning id),
     i as (
       insert into identities (id, team_id, customer_id, channel, external_id, created_at)
       select gen_random_uuid(), $1, c.id, 'line', 'fan-out', now() from c returning id, customer_id)
     insert into conversations (id, team_id, customer_id, identity_id, channel, state, last_message_at, created_at)
     select gen_random_uuid(), $1, i.customer_id, i.id, 'line', 'in_progress', now(), now()
     from i returning id`,
    [teamId],
  );
  if (row === undefined) throw new Error("no conversation seeded");
  return { engine, command, teamId, conversationId: row.id, secret };
};

/** Open panel streams of a server process, from its /metrics. */
const openStreams = async (server: ServerProcess): Promise<number> => {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  return Number(/^panel_sse_streams_open (\d+)/m.exec(text)?.[1] ?? 0);
};

const waitFor = async (check: () => Promise<boolean>, what: string, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
};

/** The team's changes with an id above `after`: what each subscriber must have received. */
const expectedAfter = async (world: World, after: number): Promise<Expected> => {
  const [row] = await world.engine.raw<{ count: number; sum: string; min: number; max: number }>(
    `select count(*)::int as count, coalesce(sum(id), 0)::text as sum,
            coalesce(min(id), 0)::int as min, coalesce(max(id), 0)::int as max
     from panel_changes where team_id = $1 and id > $2`,
    [world.teamId, after],
  );
  return {
    count: row?.count ?? 0,
    sum: Number(row?.sum ?? 0),
    min: row?.min ?? 0,
    max: row?.max ?? 0,
  };
};

const latestId = async (world: World) => {
  const [row] = await world.engine.raw<{ id: number }>(
    "select coalesce(max(id), 0)::int as id from panel_changes where team_id = $1",
    [world.teamId],
  );
  return row?.id ?? 0;
};

const received = (tallies: readonly Tally[]) => tallies.reduce((n, t) => n + t.count, 0);

/**
 * Polls the load process until every subscriber has `expected` or `seconds` passed (or
 * nothing arrived for 10 s); answers the last tallies.
 */
const awaitDelivery = async (load: SubscriberLoad, expected: Expected, seconds: number) => {
  const deadline = performance.now() + seconds * 1_000;
  let last = await load.report();
  let progressAt = performance.now();
  while (!last.tallies.every((t) => receivedExactly(t, expected))) {
    const now = performance.now();
    if (now > deadline || now - progressAt > 10_000) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
    const next = await load.report();
    if (received(next.tallies) > received(last.tallies)) progressAt = performance.now();
    last = next;
  }
  return last;
};

/** One phase: `servers` fresh server processes, the subscribers split between them. */
const runPhase = async (
  world: World,
  scale: FanOutScale,
  servers: number,
  log?: (line: string) => void,
): Promise<FanOutPhase> => {
  const url = world.engine.url as string;
  const processes: ServerProcess[] = [];
  const loadBefore = loadavg()[0] ?? 0;
  try {
    for (let i = 0; i < servers; i++) {
      processes.push(await startPanelServer(world.command, url, POOL_SIZE));
    }
    const [first] = processes as [ServerProcess];
    const probe = (ms: number, until?: () => boolean) =>
      probePanelGet({
        url: first.url,
        secret: world.secret,
        conversationId: world.conversationId,
        ms,
        ...(until !== undefined && { until }),
      });
    await probe(1_000); // warm-up, untimed: JIT, the pool's connections
    const idle = await probe(scale.idleSeconds * 1_000);
    const load = await startSubscriberLoad();
    try {
      const share = (i: number) =>
        Math.floor(scale.subscribers / servers) + (i < scale.subscribers % servers ? 1 : 0);
      await load.open(
        processes.map((p, i) => ({ url: p.url, count: share(i) })),
        world.secret,
      );
      await waitFor(
        async () => {
          const open = await Promise.all(processes.map(openStreams));
          return open.every((n, i) => n === share(i));
        },
        `${scale.subscribers} live streams`,
        180_000,
      );
      log?.(`fan-out, ${servers} server(s): ${scale.subscribers} subscribers live; publishing…`);
      const after = await latestId(world);
      const rss = processes.map((p) => sampleRss(p.pid));
      const cpuAt = () => ({
        servers: processes.map((p) => cpuSecondsOf(p.pid)),
        subscribers: cpuSecondsOf(load.pid),
        wall: performance.now(),
      });
      const cpuStart = cpuAt();
      let publishing = true;
      const publishing$ = publishAtRate(
        (n) => publishChanges(world.engine.database, world.teamId, world.conversationId, n),
        scale.rate,
        scale.seconds,
      ).finally(() => {
        publishing = false;
      });
      const loaded = await probe(scale.seconds * 1_000 * 3, () => !publishing);
      const published = await publishing$;
      const loadEnd = performance.now();
      const expected = await expectedAfter(world, after);
      if (expected.count !== published) {
        throw new Error(`published ${published} changes, found ${expected.count} stored`);
      }
      const atLoadEnd = await load.report();
      const final = await awaitDelivery(load, expected, scale.drainSeconds);
      const cpuEnd = cpuAt();
      const trends = rss.map((sampler) => sampler.stop());
      const windowSeconds = (cpuEnd.wall - cpuStart.wall) / 1_000;
      const perWall = (a: number, b: number) => (b - a) / windowSeconds;
      const total = published * scale.subscribers;
      const complete = final.tallies.filter((t) => receivedExactly(t, expected)).length;
      return {
        servers,
        subscribers: scale.subscribers,
        rate: scale.rate,
        seconds: scale.seconds,
        published,
        delivery: {
          exactlyOnce: complete === scale.subscribers && final.tallies.length === scale.subscribers,
          subscribersComplete: complete,
          delivered: received(final.tallies),
          expected: total,
          notIncreasing: final.tallies.reduce((n, t) => n + t.notIncreasing, 0),
          errors: final.tallies.reduce((n, t) => n + t.errors, 0),
          reconnects: final.tallies.reduce((n, t) => n + t.reconnects, 0),
          shareAtLoadEnd: received(atLoadEnd.tallies) / total,
          drainSeconds: (cpuEnd.wall - loadEnd) / 1_000,
          perSecond: received(final.tallies) / windowSeconds,
        },
        panelGet: { idle, loaded, p99Ratio: loaded.p99 / idle.p99 },
        rss: trends,
        cpu: {
          servers: cpuStart.servers.map((start, i) => perWall(start, cpuEnd.servers[i] ?? start)),
          subscribers: perWall(cpuStart.subscribers, cpuEnd.subscribers),
        },
        loadAverage: { before: loadBefore, after: loadavg()[0] ?? 0 },
      };
    } finally {
      await load.stop();
    }
  } finally {
    for (const p of processes) await p.stop();
  }
};

/**
 * Issue 19 item 2, live fan-out: in a fresh PostgreSQL database (one team, one member, one
 * conversation), the built `customer-panel serve --no-worker`; a load process opens the
 * team's subscribers through the published client; the bench publishes `rate` changes a
 * second for `seconds` as db's change feed does, probes `panel.get` and samples the server's
 * RSS and CPU; then checks that every subscriber received every change once. Then the same
 * with two server processes on the database, the subscribers split between them.
 */
export const runFanOut = async (
  serverUrl: string | undefined,
  scale: FanOutScale,
  log?: (line: string) => void,
): Promise<FanOutResults> => {
  const engine = await openEngine("postgres", serverUrl);
  try {
    const world = await seedWorld(engine, buildPanelServer());
    log?.(
      `fan-out: ${scale.subscribers} subscribers, ${scale.rate} changes/s for ${scale.seconds} s…`,
    );
    const phases: FanOutPhase[] = [];
    for (const servers of [1, 2]) phases.push(await runPhase(world, scale, servers, log));
    return { scale, phases };
  } finally {
    await engine.dispose();
  }
};
