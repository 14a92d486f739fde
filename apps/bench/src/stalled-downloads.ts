/**
 * `pnpm --filter @customer-panel/bench stalled-downloads`: another team's `panel.get` p50/p99
 * while 12 downloads that never read are attempted (6 teams; the route's bounds let 4 stream
 * and stall, the rest get 429), against the same figures idle
 * (issue 14 G), on PostgreSQL (BENCH_DATABASE_URL or TEST_DATABASE_URL). Runs in well under a
 * minute; prints one JSON line.
 */
import net from "node:net";
import {
  authenticateWithCredentials,
  createPanelServices,
  downloadRoute,
  issueCredential,
  startPanelServer,
  type TrackedChange,
} from "@customer-panel/trpc";
import { Effect } from "effect";
import { openEngine } from "./engine.js";

const STALLED = 12;
const SAMPLES = 200;

const percentile = (samples: readonly number[], p: number): number => {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};

const seed = (team: string, member: string, conversation: string, messages: number) => [
  `insert into teams (id, name, feature_conversation_export) values ('${team}', 'T', true)`,
  `insert into members (id, team_id, name, role) values ('${member}', '${team}', '管理員', 'admin')`,
  `insert into customers (id, team_id, display_name) values ('${conversation}', '${team}', '顧客')`,
  `insert into identities (id, team_id, customer_id, channel, external_id)
   values ('${conversation}', '${team}', '${conversation}', 'line', 'ext-${conversation}')`,
  `insert into conversations (id, team_id, customer_id, identity_id, channel)
   values ('${conversation}', '${team}', '${conversation}', '${conversation}', 'line')`,
  `insert into messages (id, team_id, conversation_id, sender, content, sent_at)
   select gen_random_uuid(), '${team}', '${conversation}', 'customer',
          i || ' ' || repeat('對話內容 conversation text ', 230),
          timestamptz '2025-01-01' + i * interval '1 second'
   from generate_series(1, ${messages}) i`,
];

const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;

const main = async () => {
  const engine = await openEngine(
    "postgres",
    process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL,
  );
  const sockets: net.Socket[] = [];
  try {
    const { database } = engine;
    // Six downloading teams (12 stalled downloads at 2 per team) and one reading team.
    const teams = Array.from({ length: 7 }, (_, i) => ({
      team: uuid(100 + i),
      member: uuid(200 + i),
      conversation: uuid(300 + i),
    }));
    for (const [i, t] of teams.entries()) {
      for (const statement of seed(t.team, t.member, t.conversation, i === 6 ? 10 : 3_000)) {
        await engine.raw(statement);
      }
    }
    const services = createPanelServices({
      database,
      mailer: { send: () => Effect.void },
      exportQuota: { limit: 1_000 },
      changes: { subscribe: async function* (): AsyncGenerator<TrackedChange> {} },
    });
    const server = await startPanelServer({
      services,
      authenticate: authenticateWithCredentials(database),
      // The route's defaults: 4 downloads per process, 2 per team, a 10 s stall timeout.
      routes: [downloadRoute(services)],
    });
    const tokens: string[] = [];
    for (const t of teams) {
      const credential = await issueCredential(database.db, {
        teamId: t.team,
        kind: "member",
        memberId: t.member,
        client: "web",
      });
      tokens.push(credential.secret);
    }
    const reader = teams[6];
    const call = (path: string, secret: string, init: RequestInit = {}) =>
      fetch(`${server.url}/trpc/${path}`, {
        ...init,
        headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
      });
    const panelGet = async () => {
      const input = encodeURIComponent(
        JSON.stringify({ json: { conversationId: reader?.conversation } }),
      );
      const started = performance.now();
      const res = await call(`panel.get?input=${input}`, tokens[6] ?? "");
      await res.text();
      if (res.status !== 200) throw new Error(`panel.get answered ${res.status}`);
      return performance.now() - started;
    };
    const sample = async () => {
      const times = [];
      for (let i = 0; i < SAMPLES; i++) times.push(await panelGet());
      return { p50: percentile(times, 50), p99: percentile(times, 99) };
    };
    await sample(); // warm-up
    const idle = await sample();
    const statuses: Record<string, number> = {};
    for (let i = 0; i < STALLED; i++) {
      const t = teams[i % 6];
      const res = await call("conversations.export", tokens[i % 6] ?? "", {
        method: "POST",
        body: JSON.stringify({ json: { conversationId: t?.conversation, format: "csv" } }),
      });
      const { url } = ((await res.json()) as { result: { data: { json: { url: string } } } }).result
        .data.json;
      const { hostname, port } = new URL(server.url);
      const socket = net.connect({ host: hostname, port: Number(port) });
      socket.write(`GET ${url} HTTP/1.1\r\nHost: ${hostname}\r\n\r\n`);
      socket.once("data", (first: Buffer) => {
        socket.pause();
        const status = first.subarray(9, 12).toString("latin1");
        statuses[status] = (statuses[status] ?? 0) + 1;
      });
      socket.on("error", () => {});
      sockets.push(socket);
    }
    // Let the 12 fill their socket buffers and stall.
    await new Promise((r) => setTimeout(r, 1_000));
    const stalled = await sample();
    console.log(
      JSON.stringify({
        engine: "postgres",
        samples: SAMPLES,
        downloadsAttempted: STALLED,
        downloadStatuses: statuses,
        idleMs: { p50: +idle.p50.toFixed(2), p99: +idle.p99.toFixed(2) },
        stalledMs: { p50: +stalled.p50.toFixed(2), p99: +stalled.p99.toFixed(2) },
      }),
    );
    for (const socket of sockets) socket.destroy();
    await server.close();
    await services.runtime.dispose();
  } finally {
    for (const socket of sockets) socket.destroy();
    await engine.dispose();
  }
};

await main();
