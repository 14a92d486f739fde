import { randomUUID } from "node:crypto";
import { loadavg } from "node:os";
import * as schema from "@customer-panel/db/schema";
import { issueCredential } from "@customer-panel/trpc";
import { type BenchEngine, openEngine } from "../engine.js";
import {
  buildPanelServer,
  type ServerProcess,
  startPanelServer,
} from "../server-load/processes.js";
import { probePanelGet } from "./probe.js";
import { cpuSecondsOf, sampleRss } from "./process-stats.js";
import { publishAtRate, publishChanges } from "./publish-changes.js";
import type { FanOutPhase, FanOutResults } from "./results.js";
import type { FanOutScale } from "./scale.js";
import { type SubscriberLoad, startSubscriberLoad } from "./subscriber-load.js";
import { deliveryOf, type Expected, received, receivedExactly } from "./subscriber-tally.js";

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

/**
 * Opens `subscribers` in the load process, split evenly between `servers`, and waits until
 * each server's /metrics shows its share registered (so every later change reaches them).
 */
const openSubscribers = async (
  load: SubscriberLoad,
  servers: readonly ServerProcess[],
  subscribers: number,
  secret: string,
) => {
  const share = (i: number) =>
    Math.floor(subscribers / servers.length) + (i < subscribers % servers.length ? 1 : 0);
  await load.open(
    servers.map((p, i) => ({ url: p.url, count: share(i) })),
    secret,
  );
  await waitFor(
    async () => {
      const open = await Promise.all(servers.map(openStreams));
      return open.every((n, i) => n === share(i));
    },
    `${subscribers} live streams`,
    180_000,
  );
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
      await openSubscribers(load, processes, scale.subscribers, world.secret);
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
      return {
        servers,
        subscribers: scale.subscribers,
        rate: scale.rate,
        seconds: scale.seconds,
        published,
        delivery: deliveryOf({
          final: final.tallies,
          atLoadEnd: atLoadEnd.tallies,
          expected,
          subscribers: scale.subscribers,
          drainSeconds: (cpuEnd.wall - loadEnd) / 1_000,
          windowSeconds,
        }),
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
