import http from "node:http";
import type { AddressInfo } from "node:net";
import net from "node:net";
import { initTRPC, tracked } from "@trpc/server";
import { createHTTPServer } from "@trpc/server/adapters/standalone";
import superjson from "superjson";

/**
 * `pnpm --filter @customer-panel/bench sse-write-cost` — what one SSE delivery costs in CPU
 * (issue 19 item 2, "what it would take"): CHANGES change events to SUBSCRIBERS raw-socket
 * readers, (1) through tRPC's SSE producer, one tracked event per change and subscriber, as
 * `panel.onChange` does; (2) from a `node:http` writer that serialises each change once and
 * writes the same bytes to every subscriber. Readers share the process (their cost is in
 * every figure); 3 rounds, the two alternating. CPU time, so a busy machine changes it less
 * than wall time.
 */

const CHANGES = Number(process.env.CHANGES ?? 2_000);
const SUBSCRIBERS = Number(process.env.SUBSCRIBERS ?? 100);

const change = (i: number) => ({
  teamId: "00000000-0000-4000-8000-000000000001",
  conversationId: "00000000-0000-4000-8000-000000000002",
  customerId: null,
  kind: "status",
  at: new Date(1_700_000_000_000 + i),
});

/** SUBSCRIBERS raw readers of `path`, each until it has counted CHANGES `id:` lines. */
const readAll = (port: number, path: string) =>
  Promise.all(
    Array.from(
      { length: SUBSCRIBERS },
      () =>
        new Promise<void>((resolve) => {
          const socket = net.connect(port, "127.0.0.1");
          let frames = 0;
          // An `id: ` line may be cut between two chunks: search the last 3 bytes again.
          let tail = "";
          socket.on("data", (chunk: Buffer) => {
            const text = tail + chunk.toString("latin1");
            for (let at = text.indexOf("id: "); at !== -1; at = text.indexOf("id: ", at + 4)) {
              frames += 1;
            }
            tail = text.slice(-3);
            if (frames >= CHANGES) {
              socket.destroy();
              resolve();
            }
          });
          socket.write(`GET ${path} HTTP/1.1\r\nHost: bench\r\nAccept: text/event-stream\r\n\r\n`);
        }),
    ),
  );

const cpuPerDelivery = async (run: () => Promise<unknown>) => {
  const start = process.cpuUsage();
  await run();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / (CHANGES * SUBSCRIBERS);
};

const listen = async (server: http.Server) => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
};

const t = initTRPC.create({ transformer: superjson });
const trpcPort = await listen(
  createHTTPServer({
    router: t.router({
      changes: t.procedure.subscription(async function* () {
        for (let i = 1; i <= CHANGES; i++) yield tracked(String(i), change(i));
      }),
    }),
  }),
);

const frames = Array.from({ length: CHANGES }, (_, k) =>
  Buffer.from(`id: ${k + 1}\ndata: ${JSON.stringify(superjson.serialize(change(k + 1)))}\n\n`),
);
const rawPort = await listen(
  http.createServer(async (_req, res) => {
    res.writeHead(200, { "content-type": "text/event-stream" });
    for (const [i, frame] of frames.entries()) {
      if (!res.write(frame)) await new Promise((resolve) => res.once("drain", resolve));
      if (i % 100 === 99) await new Promise((resolve) => setImmediate(resolve));
    }
  }),
);

const rounds: { trpc: number; writeOnce: number }[] = [];
for (let round = 0; round < 3; round++) {
  const trpc = () => cpuPerDelivery(() => readAll(trpcPort, "/changes?input=%7B%7D"));
  const writeOnce = () => cpuPerDelivery(() => readAll(rawPort, "/"));
  if (round % 2 === 0) rounds.push({ trpc: await trpc(), writeOnce: await writeOnce() });
  else {
    const w = await writeOnce();
    rounds.push({ trpc: await trpc(), writeOnce: w });
  }
}
const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
console.log(
  JSON.stringify({
    changes: CHANGES,
    subscribers: SUBSCRIBERS,
    microsecondsPerDelivery: {
      trpcSse: median(rounds.map((r) => r.trpc)),
      writeOnce: median(rounds.map((r) => r.writeOnce)),
    },
    rounds,
  }),
);
process.exit(0);
