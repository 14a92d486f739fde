import http from "node:http";
import type { AddressInfo } from "node:net";
import { EventSource } from "eventsource";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPanelClient, TRPC_PATH } from "../src/index.js";

// A stand-in server that records what the client sends: the links' wiring (path, batching,
// transformer, credential on HTTP and on SSE) is the client's own; the panel's answers are
// covered end to end by the trpc package's live tests and the consumer test.
interface Seen {
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
}

const seen: Seen[] = [];
const server = http.createServer((req, res) => {
  seen.push({ url: req.url ?? "", headers: req.headers });
  if (req.headers.accept === "text/event-stream") {
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    res.end(
      `event: connected\ndata: {}\n\nid: 1\ndata: ${JSON.stringify(superjson.serialize("hello"))}\n\n`,
    );
    return;
  }
  const answer = { result: { data: superjson.serialize({ at: new Date(0) }) } };
  res.writeHead(200, { "content-type": "application/json" });
  res.end(JSON.stringify([answer, answer]));
});
let base = "";

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const lastSeen = (): Seen => {
  const last = seen.at(-1);
  if (last === undefined) throw new Error("the server saw no request");
  return last;
};

describe("createPanelClient", () => {
  it("batches queries under the tRPC path and sends a member's bearer token", async () => {
    const client = createPanelClient({ url: `${base}/`, token: "member-secret" });
    const [a, b] = await Promise.all([
      client.panel.get.query({ conversationId: "c1" } as never),
      client.panel.get.query({ conversationId: "c2" } as never),
    ]);
    const request = lastSeen();
    expect(request.url.startsWith(`${TRPC_PATH}/panel.get,panel.get?batch=1`)).toBe(true);
    expect(request.headers.authorization).toBe("Bearer member-secret");
    expect(request.headers["x-api-key"]).toBeUndefined();
    // superjson both ways: the Date the server sent arrives as a Date.
    expect((a as unknown as { at: Date }).at).toEqual(new Date(0));
    expect((b as unknown as { at: Date }).at).toBeInstanceOf(Date);
  });

  it("sends an integration's API key instead of a token", async () => {
    const client = createPanelClient({ url: base, apiKey: "integration-secret" });
    await client.panel.get.query({ conversationId: "c1" } as never);
    const request = lastSeen();
    expect(request.headers["x-api-key"]).toBe("integration-secret");
    expect(request.headers.authorization).toBeUndefined();
  });

  it("opens subscriptions as server-sent events with the credential on the stream's request", async () => {
    const client = createPanelClient({ url: base, token: "member-secret" });
    const first = await new Promise<unknown>((resolve, reject) => {
      const subscription = client.panel.onChange.subscribe(
        {},
        {
          onData: (event) => {
            subscription.unsubscribe();
            resolve(event);
          },
          onError: reject,
        },
      );
    });
    expect(first).toEqual({ id: "1", data: "hello" });
    const request = lastSeen();
    expect(request.url.startsWith(`${TRPC_PATH}/panel.onChange?input=`)).toBe(true);
    expect(request.headers.accept).toBe("text/event-stream");
    expect(request.headers.authorization).toBe("Bearer member-secret");
  });

  it("uses the EventSource class it is given", async () => {
    const opened: string[] = [];
    class CountingEventSource extends EventSource {
      constructor(...args: ConstructorParameters<typeof EventSource>) {
        super(...args);
        opened.push(String(args[0]));
      }
    }
    const client = createPanelClient({ url: base, token: "t", EventSource: CountingEventSource });
    await new Promise<void>((resolve, reject) => {
      const subscription = client.panel.onChange.subscribe(
        {},
        {
          onData: () => {
            subscription.unsubscribe();
            resolve();
          },
          onError: reject,
        },
      );
    });
    expect(opened).toHaveLength(1);
    expect(opened[0]?.startsWith(`${base}${TRPC_PATH}/panel.onChange`)).toBe(true);
  });
});
