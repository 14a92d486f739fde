import { randomUUID } from "node:crypto";
import net from "node:net";
import { createDatabase, type Database } from "@customer-panel/db";
import * as schema from "@customer-panel/db/schema";
import {
  authenticateWithCredentials,
  createChangeStream,
  createPanelServices,
  issueCredential,
  startPanelServer,
} from "@customer-panel/trpc";
import { sql } from "drizzle-orm";
import { Effect } from "effect";
import { probePanelGet } from "./fan-out/probe.js";
import { publishChanges } from "./fan-out/publish-changes.js";

/**
 * `pnpm --filter @customer-panel/bench live-load [postgres://…]` — issue 14 figures, one
 * run (≈ 1 min): `panel.get` p50/p99 idle and with SUBSCRIBERS reading subscribers while
 * RATE changes a second are published; then the server's RSS while STALLED subscribers never
 * read and FLOOD changes pass. Server, subscribers and probe share this process (the probe's
 * own cost is in both the idle and loaded figures). PGlite in memory without a URL.
 */

const SUBSCRIBERS = Number(process.env.LIVE_SUBSCRIBERS ?? 1_000);
const RATE = Number(process.env.LIVE_RATE ?? 1_000);
const LOAD_SECONDS = Number(process.env.LIVE_SECONDS ?? 15);
const STALLED = Number(process.env.LIVE_STALLED ?? 50);
const FLOOD = Number(process.env.LIVE_FLOOD ?? 200_000);

const openDatabase = async (url: string | undefined) => {
  if (url === undefined) {
    const database = await createDatabase();
    await database.migrate();
    return { database, drop: () => database.close() };
  }
  const name = `panel_bench_live_${randomUUID().replace(/-/g, "")}`;
  const admin = await createDatabase({ url, poolSize: 1 });
  await admin.db.execute(
    sql.raw(
      `CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'`,
    ),
  );
  const target = new URL(url);
  target.pathname = `/${name}`;
  const database = await createDatabase({ url: target.toString() });
  await database.migrate();
  return {
    database,
    drop: async () => {
      await database.close();
      await admin.db.execute(sql.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
      await admin.close();
    },
  };
};

const sse = (port: number, secret: string, reading: boolean) => {
  const socket = net.connect(port, "127.0.0.1");
  socket.on("error", () => {});
  if (reading) socket.on("data", () => {});
  else socket.pause();
  const input = encodeURIComponent(JSON.stringify({ json: {} }));
  socket.write(
    `GET /trpc/panel.onChange?input=${input} HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
      `Authorization: Bearer ${secret}\r\nAccept: text/event-stream\r\n\r\n`,
  );
  return socket;
};

const until = async (check: () => boolean, what: () => string, timeoutMs = 180_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting: ${what()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

const main = async () => {
  const { database, drop } = await openDatabase(process.argv[2]);
  try {
    await run(database);
  } finally {
    await drop();
  }
};

const run = async (database: Database) => {
  const { db } = database;
  const teamId = randomUUID();
  const memberId = randomUUID();
  await db.insert(schema.teams).values({ id: teamId, name: "Bench", timeZone: "Asia/Taipei" });
  await db.insert(schema.members).values({ id: memberId, teamId, name: "Ada", role: "admin" });
  const member = await issueCredential(db, { teamId, kind: "member", memberId, client: "web" });
  const integration = await issueCredential(db, { teamId, kind: "integration" });
  const changes = createChangeStream(database);
  const services = createPanelServices({
    database,
    mailer: { send: () => Effect.void },
    changes,
  });
  const server = await startPanelServer({
    services,
    authenticate: authenticateWithCredentials(database),
  });
  const port = Number(new URL(server.url).port);
  const ingest = await fetch(`${server.url}/trpc/ingest.message`, {
    method: "POST",
    headers: { "x-api-key": integration.secret, "content-type": "application/json" },
    body: JSON.stringify({
      json: {
        identity: { channel: "line", externalUserId: "U-bench" },
        sender: "customer",
        content: "hi",
      },
    }),
  });
  const conversationId = (
    (await ingest.json()) as { result: { data: { json: { conversationId: string } } } }
  ).result.data.json.conversationId;

  const idle = await probePanelGet({
    url: server.url,
    secret: member.secret,
    conversationId,
    ms: 5_000,
  });
  const readers = Array.from({ length: SUBSCRIBERS }, () => sse(port, member.secret, true));
  await until(
    () => changes.subscriberCount() === SUBSCRIBERS,
    () => `${changes.subscriberCount()} of ${SUBSCRIBERS} readers live`,
  );
  let publishing = true;
  const publisher = (async () => {
    const perTick = Math.max(1, Math.round(RATE / 10));
    let next = performance.now();
    while (publishing) {
      await publishChanges(database, teamId, conversationId, perTick);
      next += 100;
      await new Promise((r) => setTimeout(r, Math.max(0, next - performance.now())));
    }
  })();
  const loaded = await probePanelGet({
    url: server.url,
    secret: member.secret,
    conversationId,
    ms: LOAD_SECONDS * 1_000,
  });
  publishing = false;
  await publisher;
  // Readers the server dropped as too slow (SUBSCRIBER_TOO_SLOW) while it shed the load.
  const keptUp = changes.subscriberCount();
  for (const socket of readers) socket.destroy();
  await until(
    () => changes.subscriberCount() === 0,
    () => `${changes.subscriberCount()} readers still live`,
  );

  const stalled = Array.from({ length: STALLED }, () => sse(port, member.secret, false));
  await until(
    () => changes.subscriberCount() === STALLED,
    () => `${changes.subscriberCount()} of ${STALLED} stalled subscribers live`,
  );
  const mb = () => Math.round(process.memoryUsage().rss / 2 ** 20);
  const rss: number[] = [mb()];
  for (let sent = 0; sent < FLOOD; sent += 5_000) {
    await publishChanges(database, teamId, conversationId, 5_000);
    rss.push(mb());
  }
  for (const socket of stalled) socket.destroy();

  console.log(
    JSON.stringify({
      engine: database.driver,
      subscribers: SUBSCRIBERS,
      ratePerSecond: RATE,
      panelGetIdleMs: { p50: idle.p50, p99: idle.p99, calls: idle.calls },
      panelGetLoadedMs: { p50: loaded.p50, p99: loaded.p99, calls: loaded.calls },
      readersStillLive: keptUp,
      stalledSubscribers: STALLED,
      flood: FLOOD,
      rssMb: {
        start: rss[0],
        peak: Math.max(...rss),
        end: rss.at(-1),
        quarters: [0.25, 0.5, 0.75].map((q) => rss[Math.floor((rss.length - 1) * q)]),
      },
    }),
  );
  await changes.close();
  await server.close();
  await services.runtime.dispose();
};

await main();
