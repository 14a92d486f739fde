import { type EngineHandle, engines } from "@customer-panel/db/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type ClosableChangeStream, createChangeStream } from "../../src/change-stream.js";
import { floodChanges } from "../fixtures/change-flood.js";
import { eventually, type Subscriber, subscribe } from "../fixtures/live-client.js";
import { type RawSse, rawSse } from "../fixtures/raw-sse.js";
import { seedWorld, startTestServer, type TestServer, type World } from "../harness.js";

/**
 * Issue 14 F: a subscriber that stops reading is held to a bounded queue. Past it, the
 * server disconnects it (a client that never reads its socket included: tRPC's SSE writer
 * waits for the socket to drain, so the queue that fills is ours); a reading subscriber
 * gets every change once; a slow reader that reads again gets a final SUBSCRIBER_TOO_SLOW
 * event and resumes with lastEventId without loss.
 */

const FLOOD = 40_000;

describe.each(engines)("issue 14 F slow subscribers are bounded, on $name", (engine) => {
  let handle: EngineHandle;
  let stream: ClosableChangeStream;
  let server: TestServer;
  let world: World;
  const raws: RawSse[] = [];
  const subscribers: Subscriber[] = [];

  beforeAll(async () => {
    handle = await engine.open();
    const database = await handle.fresh();
    stream = createChangeStream(database, { maxQueue: 500, stallTimeoutMs: 2_000 });
    server = await startTestServer(database, { changes: stream });
    world = await seedWorld(server);
  });

  afterEach(async () => {
    for (const raw of raws.splice(0)) raw.destroy();
    for (const s of subscribers.splice(0)) s.unsubscribe();
    await eventually(() => stream.subscriberCount() === 0, 30_000);
  });

  afterAll(async () => {
    await stream?.close();
    await server?.close();
    await handle?.dispose();
  });

  const flood = (count: number) =>
    floodChanges(server.database, world.teamA.id, world.teamA.conversations.line.conversationId, {
      count,
    });

  it("a never-reading raw client is disconnected past its bound; a reading one gets every change once", async () => {
    const stalled = rawSse(server.url, world.teamA.members.admin.secret, {}, { paused: true });
    raws.push(stalled);
    expect(await eventually(() => stream.subscriberCount() === 1)).toBe(true);
    const reader = subscribe(server.client(world.teamA.members.supervisor.secret), {});
    subscribers.push(reader);
    expect(await eventually(() => stream.subscriberCount() === 2)).toBe(true);

    const ids = await flood(FLOOD);
    // A client that never reads sees nothing, not even the close: the server side shows it.
    // Its subscription was dropped past its queue and, stalled in a write, cut.
    // (The reader may itself be between a too-slow ending and its automatic resume.)
    expect(await eventually(() => stream.openCount() <= 1, 60_000)).toBe(true);
    expect(await eventually(() => reader.received.length >= FLOOD, 120_000)).toBe(true);
    const got = reader.received.map((r) => Number(r.id));
    expect(new Set(got).size).toBe(got.length);
    expect(got).toEqual(ids);
  }, 300_000);

  it("a slow reader that reads again gets a final SUBSCRIBER_TOO_SLOW event and resumes with lastEventId", async () => {
    const slow = rawSse(server.url, world.teamA.members.admin.secret, {});
    raws.push(slow);
    expect(await eventually(() => stream.subscriberCount() === 1)).toBe(true);
    expect(await eventually(() => slow.text().includes("event: connected"))).toBe(true);
    slow.pause();
    const flooding = flood(FLOOD);
    // The server gave up on it (its queue overflowed): it is no longer live. It reads again
    // at once, well within the stall timeout, so it gets the final event.
    expect(await eventually(() => stream.subscriberCount() === 0, 60_000)).toBe(true);
    slow.resume();
    const ids = await flooding;
    expect(await eventually(() => slow.closed(), 60_000)).toBe(true);
    const text = slow.text();
    const delivered = [...text.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
    const last = delivered.at(-1);
    expect(last).toBeDefined();
    expect(delivered.length).toBeLessThan(FLOOD);
    expect(text).toContain("event: serialized-error");
    expect(text).toMatch(/SUBSCRIBER_TOO_SLOW/);
    expect(text).toContain(`resume with lastEventId \\"${last}\\"`);

    const resumed = subscribe(server.client(world.teamA.members.admin.secret), {
      lastEventId: String(last),
    });
    subscribers.push(resumed);
    const rest = ids.filter((id) => id > (last ?? 0));
    expect(await eventually(() => resumed.received.length >= rest.length, 120_000)).toBe(true);
    expect(resumed.received.map((r) => Number(r.id))).toEqual(rest);
  }, 300_000);
});
