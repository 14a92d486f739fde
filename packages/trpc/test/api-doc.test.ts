import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { PROCEDURES, type ProcedurePath } from "@customer-panel/core";
import type { Database } from "@customer-panel/db";
import { type EngineHandle, engines } from "@customer-panel/db/testing";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ClosableChangeStream, createChangeStream } from "../src/change-stream.js";
import { eventually } from "./fixtures/live-client.js";
import { seedWorld, startTestServer, type TestServer, type World } from "./harness.js";

/**
 * Issue 16: the raw-HTTP examples of docs/api.md are answers of a real server. Each example
 * is sent here with fetch; its curl command and answer, with ids, dates and tokens written
 * as placeholders, must be what docs/api.md shows between `<!-- example:NAME -->` and
 * `<!-- /example -->`, and each answer's `json` must parse with the procedure's output schema.
 * After a deliberate change, `WRITE_API_EXAMPLES=1` rewrites those blocks.
 */

const DOC = fileURLToPath(new URL("../../../docs/api.md", import.meta.url));
const HOST = "http://localhost:3000";

/** What one example sent and received, before placeholders. */
interface Exchange {
  readonly curl: string;
  readonly answer: string;
  /** The answers' `{ json, meta }` to check against output schemas. */
  readonly results: readonly { readonly path: ProcedurePath; readonly data: unknown }[];
}

const block = (lang: string, text: string) => `\`\`\`${lang}\n${text.trimEnd()}\n\`\`\``;
const pretty = (body: string) => JSON.stringify(JSON.parse(body), null, 2);
const inputQuery = (input: unknown) => encodeURIComponent(JSON.stringify(input));

/** The doc's region of one example, or null when absent. */
const regionOf = (doc: string, name: string) => {
  const match = new RegExp(`<!-- example:${name} -->\\n([\\s\\S]*?)\\n<!-- /example -->`).exec(doc);
  return match?.[1] ?? null;
};

describe("issue 16: docs/api.md's raw-HTTP examples are a real server's answers", () => {
  const engine = engines[0];
  let handle: EngineHandle;
  let database: Database;
  let stream: ClosableChangeStream;
  let server: TestServer;
  let world: World;
  const exchanges = new Map<string, Exchange>();

  /** Replaces what changes between runs (host, ids, dates, tokens) with placeholders. */
  const placeholders = (text: string) => {
    const { line } = world.teamA.conversations;
    return text
      .replaceAll(server.url, HOST)
      .replaceAll(world.teamA.members.admin.secret, "<member token>")
      .replaceAll(world.teamA.integration.secret, "<integration key>")
      .replaceAll(line.conversationId, "<conversation id>")
      .replaceAll(line.customerId, "<customer id>")
      .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, "<uuid>")
      .replace(/"\d{1,18}_<(uuid|conversation id)>"/g, '"<cursor>"')
      .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/g, "<date-time>")
      .replace(/-\d{8}-\d{6}\.csv/g, "-<yyyymmdd-hhmmss>.csv")
      .replace(/\/downloads\/[A-Za-z0-9_-]{43}/g, "/downloads/<download token>")
      .replace(/^id: \S+$/gm, "id: <change id>")
      .replace(/"lastEventId":"[^"]*"/g, '"lastEventId":"<change id>"');
  };

  const get = async (path: string, input: unknown, token: string) => {
    const url = `${server.url}/trpc/${path}?input=${inputQuery(input)}`;
    const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    const body = await response.text();
    return {
      curl: `curl -s '${url}' \\\n  -H 'Authorization: Bearer ${token}'`,
      answer: `HTTP ${response.status}\n\n${pretty(body)}`,
      body: JSON.parse(body),
    };
  };

  const post = async (path: string, input: unknown, token: string) => {
    const url = `${server.url}/trpc/${path}`;
    const payload = JSON.stringify(input);
    const response = await fetch(url, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: payload,
    });
    const body = await response.text();
    return {
      curl: `curl -s -X POST '${url}' \\\n  -H 'Authorization: Bearer ${token}' \\\n  -H 'Content-Type: application/json' \\\n  -d '${payload}'`,
      answer: `HTTP ${response.status}\n\n${pretty(body)}`,
      body: JSON.parse(body),
    };
  };

  beforeAll(async () => {
    handle = await (engine ?? { open: () => Promise.reject(new Error("no engine")) }).open();
    database = await handle.fresh();
    stream = createChangeStream(database);
    server = await startTestServer(database, { changes: stream });
    world = await seedWorld(server);
    const token = world.teamA.members.admin.secret;
    const { line, webchat } = world.teamA.conversations;
    const { customerId, conversationId } = line;

    const mutation = await post(
      "tags.apply",
      { json: { customerId, name: "VIP", conversationId } },
      token,
    );
    exchanges.set("mutation", {
      ...mutation,
      results: [{ path: "tags.apply", data: mutation.body.result.data }],
    });

    const query = await get("tags.frequency", { json: { customerId } }, token);
    exchanges.set("query", {
      ...query,
      results: [{ path: "tags.frequency", data: query.body.result.data }],
    });

    const batchUrl = `${server.url}/trpc/tags.suggest,conversations.search?batch=1&input=${inputQuery(
      {
        0: { json: { query: "V" } },
        1: { json: { query: "陳大文" } },
      },
    )}`;
    const batchResponse = await fetch(batchUrl, { headers: { authorization: `Bearer ${token}` } });
    const batchBody = await batchResponse.text();
    const batched = JSON.parse(batchBody);
    exchanges.set("batch", {
      curl: `curl -s '${batchUrl}' \\\n  -H 'Authorization: Bearer ${token}'`,
      answer: `HTTP ${batchResponse.status}\n\n${pretty(batchBody)}`,
      results: [
        { path: "tags.suggest", data: batched[0].result.data },
        { path: "conversations.search", data: batched[1].result.data },
      ],
    });

    const navigationUrl = `${server.url}/trpc/conversations.list,members.list?batch=1&input=${inputQuery(
      { 0: { json: { limit: 2 } }, 1: { json: {} } },
    )}`;
    const navigationResponse = await fetch(navigationUrl, {
      headers: { authorization: `Bearer ${token}` },
    });
    const navigationBody = await navigationResponse.text();
    const navigation = JSON.parse(navigationBody);
    exchanges.set("navigation", {
      curl: `curl -s '${navigationUrl}' \\\n  -H 'Authorization: Bearer ${token}'`,
      answer: `HTTP ${navigationResponse.status}\n\n${pretty(navigationBody)}`,
      results: [
        { path: "conversations.list", data: navigation[0].result.data },
        { path: "members.list", data: navigation[1].result.data },
      ],
    });

    const error = await post("tags.apply", { json: { customerId, name: "   " } }, token);
    exchanges.set("error", { ...error, results: [] });

    // SSE: open the stream, make one change, read until its frame arrived.
    const sseUrl = `${server.url}/trpc/panel.onChange?input=${inputQuery({ json: {} })}`;
    const abort = new AbortController();
    const sse = await fetch(sseUrl, {
      headers: { authorization: `Bearer ${token}`, accept: "text/event-stream" },
      signal: abort.signal,
    });
    const reader = sse.body?.pipeThrough(new TextDecoderStream()).getReader();
    let frames = "";
    const reading = (async () => {
      while (reader && !/\nid: [^\n]*\n/.test(frames)) {
        const { value, done } = await reader.read();
        if (done) break;
        frames += value;
      }
    })();
    await eventually(() => stream.subscriberCount() > 0);
    const integration = server.client(world.teamA.integration.secret, { via: "apiKey" });
    await integration.ingest.pageVisit.mutate({
      visitorId: webchat.externalUserId,
      pageUrl: "https://shop.example/tea",
    });
    await reading;
    abort.abort();
    // tRPC writes a change's `data:` line, then its `id:` line.
    const change = /^data: (.*)\nid: /m.exec(frames)?.[1] ?? "null";
    exchanges.set("subscription", {
      curl: `curl -s -N '${sseUrl}' \\\n  -H 'Authorization: Bearer ${token}' \\\n  -H 'Accept: text/event-stream'`,
      answer: `HTTP ${sse.status}\nContent-Type: ${sse.headers.get("content-type")}\n\n${frames.replace(/\n+$/, "")}\n…`,
      results: [{ path: "panel.onChange", data: JSON.parse(change) }],
    });

    const link = await post(
      "conversations.export",
      { json: { conversationId, format: "csv" } },
      token,
    );
    const url = String(link.body.result.data.json.url);
    const download = await fetch(`${server.url}${url}`);
    // Decoded keeping the BOM (Response.text() may drop it), shown as `<BOM>`.
    const bytes = await download.arrayBuffer();
    const csv = new TextDecoder("utf-8", { ignoreBOM: true })
      .decode(bytes)
      .replace(/^\uFEFF/, "<BOM>");
    const headers = ["content-type", "content-disposition", "cache-control", "referrer-policy"]
      .map((name) => `${name}: ${download.headers.get(name)}`)
      .join("\n");
    exchanges.set("download", {
      curl: `${link.curl}\n\ncurl -s -i '${server.url}${url}'`,
      answer: `${link.answer}\n\nHTTP ${download.status}\n${headers}\n\n${csv.split("\n")[0]}\n…`,
      results: [{ path: "conversations.export", data: link.body.result.data }],
    });
  });

  afterAll(async () => {
    await stream?.close();
    await server?.close();
    await handle?.dispose();
  });

  const names = ["query", "mutation", "batch", "navigation", "error", "subscription", "download"];

  it.each(names)("example %s: each answer's json parses with its output schema", (name) => {
    for (const { path, data } of exchanges.get(name)?.results ?? []) {
      const value = superjson.deserialize(data as Parameters<typeof superjson.deserialize>[0]);
      const parsed = PROCEDURES[path].output.safeParse(value);
      expect(parsed.error?.issues ?? [], path).toEqual([]);
    }
  });

  it.each(names)("example %s: docs/api.md shows its request and answer", (name) => {
    const exchange = exchanges.get(name);
    const expected = placeholders(
      `${block("sh", exchange?.curl ?? "")}\n\nAnswer:\n\n${block("http", exchange?.answer ?? "")}`,
    );
    let doc = readFileSync(DOC, "utf8");
    if (process.env.WRITE_API_EXAMPLES === "1" && regionOf(doc, name) !== null) {
      doc = doc.replace(
        new RegExp(`(<!-- example:${name} -->\\n)[\\s\\S]*?(\\n<!-- /example -->)`),
        (_, start: string, end: string) => `${start}${expected}${end}`,
      );
      writeFileSync(DOC, doc);
    }
    expect(regionOf(doc, name), `run WRITE_API_EXAMPLES=1 to rewrite example:${name}`).toBe(
      expected,
    );
  });
});
