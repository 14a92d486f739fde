import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { type EngineHandle, engines } from "@customer-panel/db/testing";
import { parse } from "csv-parse/sync";
import { sql } from "drizzle-orm";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  errorOf,
  type PanelClient,
  seedWorld,
  startTestServer,
  type TestServer,
  type World,
} from "../harness.js";
import { changedTables, snapshot } from "./snapshot.js";

/**
 * X4 P2 T1 R1 R4 X2 — the hostile input corpus (`hostile-inputs.json`) sent over real HTTP.
 *
 * Every case names a procedure, the field it attacks and the hostile value, and expects
 * either a refusal (tRPC code, HTTP status, the formatter's `domainCode` and `fields`) with
 * the database fingerprint unchanged, or the exact safe value read back afterwards (and,
 * where the value reaches a CSV export, the exact cell of the downloaded file). No case may
 * ever answer 500 or log an unexpected error.
 *
 * Generator notation, expanded here (the JSON can not hold these directly):
 * - `{"$string": "a\\u0000b"}` — a string written with JS escapes, so invisible characters
 *   (NUL, bidi overrides, zero-width, lone surrogates) are visible in the file;
 * - `{"$repeat": "a", "times": 1048576}` — a long string;
 * - `{"$nest": 10000, "leaf": 1, "as": "array" | "object"}` — JSON nested that deep (raw
 *   transport only: the body text is built by concatenation);
 * - `{"$ref": "teamB.line.customerId"}` — an id of the seeded world (`random`: a fresh UUID);
 * - `{"$date": "…"}`, `{"$bigint": "1"}`, `{"$number": "NaN" | "Infinity" | "-0"}` — values
 *   superjson carries (client transport);
 * - `{"$omit": true}` — the field is left out.
 *
 * `transport: "raw"` sends the request with fetch (bodies the typed client would refuse to
 * build); `body` sends that exact text; `method` and `contentType` override the request.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

interface Refusal {
  readonly code?: string;
  readonly httpStatus: number;
  readonly domainCode?: string | null;
  readonly fields?: readonly string[];
}

interface Stored {
  /** What to read back: `panel.<path>`, `answer.<path>`, `message.content|sentAt`, `order.<column>`. */
  readonly read: string;
  readonly value: Json;
  /** The exact (parsed) cell of an export where the value lands. */
  readonly csv?: {
    readonly export: "transcript" | "tagStats" | "tagRecords";
    readonly column: string;
    readonly cell: string;
  };
}

interface HostileCase {
  readonly id: string;
  readonly category: string;
  readonly procedure: string;
  readonly field: string;
  readonly attack: string;
  readonly as?: Caller;
  readonly target?: Target;
  readonly with?: Record<string, Json>;
  readonly value?: Json;
  readonly transport?: "client" | "raw";
  readonly body?: string;
  readonly method?: "GET" | "POST";
  readonly contentType?: string;
  readonly expect:
    | { readonly refused: Refusal }
    | { readonly stored: Stored }
    | { readonly answered: Json };
}

type Caller = "admin" | "teamB" | "integration";
type Target = "line" | "whatsapp" | "webchat" | "bsuid" | "dates" | "webchat2";

const CORPUS: readonly HostileCase[] = JSON.parse(
  readFileSync(new URL("./hostile-inputs.json", import.meta.url), "utf8"),
).cases;

/** A calendar day in Asia/Taipei (the seeded teams' zone). */
const taipeiToday = () => new Date().toLocaleDateString("en-CA", { timeZone: "Asia/Taipei" });

interface Seeded {
  readonly world: World;
  readonly targets: Readonly<
    Record<Target, { conversationId: string; customerId: string; externalUserId: string }>
  >;
  readonly refs: Readonly<Record<string, string>>;
}

interface Procedure {
  readonly kind: "query" | "mutation";
  readonly caller: Caller;
  /** A valid input naming `target`; the case then overwrites its field. */
  readonly base: (s: Seeded, target: Target, c: HostileCase) => Record<string, unknown>;
}

const channelOf = (target: Target) =>
  target === "whatsapp" || target === "bsuid"
    ? "whatsapp"
    : target === "webchat" || target === "webchat2"
      ? "webchat"
      : "line";

const conv = (s: Seeded, t: Target) => ({ conversationId: s.targets[t].conversationId });
const cust = (s: Seeded, t: Target) => ({ customerId: s.targets[t].customerId });
const identity = (s: Seeded, t: Target) => ({
  channel: channelOf(t),
  externalUserId: s.targets[t].externalUserId,
});

/** Every procedure the corpus attacks, with a valid input to start from. */
const PROCEDURES: Readonly<Record<string, Procedure>> = {
  "panel.get": { kind: "query", caller: "admin", base: conv },
  "profile.update": { kind: "mutation", caller: "admin", base: cust },
  "preferences.setPanelHidden": {
    kind: "mutation",
    caller: "admin",
    base: () => ({ hidden: false }),
  },
  "events.list": { kind: "query", caller: "admin", base: conv },
  "tags.suggest": { kind: "query", caller: "admin", base: () => ({ query: "" }) },
  "tags.apply": {
    kind: "mutation",
    caller: "admin",
    base: (s, t) => ({ ...cust(s, t), name: "hostile", confirm: true }),
  },
  "tags.remove": {
    kind: "mutation",
    caller: "admin",
    base: (s, t) => ({ ...cust(s, t), tagId: s.refs["teamA.vipTagId"] }),
  },
  "tags.frequency": { kind: "query", caller: "admin", base: cust },
  "tagReports.stats": {
    kind: "query",
    caller: "admin",
    base: () => ({ from: taipeiToday(), to: taipeiToday() }),
  },
  "tagReports.records": {
    kind: "query",
    caller: "admin",
    base: () => ({ from: taipeiToday(), to: taipeiToday() }),
  },
  "conversations.setStatus": {
    kind: "mutation",
    caller: "admin",
    base: (s, t) => ({ ...conv(s, t), active: true }),
  },
  "conversations.changeState": {
    kind: "mutation",
    caller: "admin",
    base: (s, t) => ({ ...conv(s, t), command: "follow_up" }),
  },
  "conversations.export": {
    kind: "mutation",
    caller: "admin",
    base: (s, t) => ({ ...conv(s, t), format: "csv" }),
  },
  // A random id: a refusal that failed to refuse must not erase the world the corpus reads.
  "conversations.delete": {
    kind: "mutation",
    caller: "admin",
    base: () => ({ conversationId: randomUUID() }),
  },
  "conversations.search": { kind: "query", caller: "admin", base: () => ({ query: "陳" }) },
  "conversations.list": { kind: "query", caller: "admin", base: () => ({}) },
  "members.list": { kind: "query", caller: "admin", base: () => ({}) },
  "omo.unbind": { kind: "mutation", caller: "admin", base: conv },
  "ingest.message": {
    kind: "mutation",
    caller: "integration",
    base: (s, t) => ({ identity: identity(s, t), sender: "customer", content: "您好" }),
  },
  "ingest.pageVisit": {
    kind: "mutation",
    caller: "integration",
    base: (s) => ({
      visitorId: s.targets.webchat.externalUserId,
      pageUrl: "https://shop.example/cart",
    }),
  },
  "ingest.pageClosed": {
    kind: "mutation",
    caller: "integration",
    base: (s) => ({ visitorId: s.targets.webchat.externalUserId }),
  },
  "ingest.memberLogin": {
    kind: "mutation",
    caller: "integration",
    base: (s) => ({ visitorId: s.targets.webchat2.externalUserId, websiteMemberId: "M-other" }),
  },
  "ingest.identityBound": {
    kind: "mutation",
    caller: "integration",
    base: (s, t) => ({ identity: identity(s, t), websiteMemberId: "M-hostile" }),
  },
  "ingest.orders": {
    kind: "mutation",
    caller: "integration",
    base: (_s, _t, c) => ({
      websiteMemberId: "M-hostile",
      orders: [
        {
          orderId: `O-${c.id}`,
          placedAt: new Date(),
          currency: "TWD",
          total: 590,
          items: [{ sku: "SKU-1", name: "保溫瓶", quantity: 1, unitPrice: 590 }],
        },
      ],
    }),
  },
  "ingest.omoBinding": {
    kind: "mutation",
    caller: "integration",
    base: (s, t) => ({ identity: identity(s, t), omoMemberId: "OMO-1" }),
  },
  "ingest.tag": {
    kind: "mutation",
    caller: "integration",
    base: (s, t) => ({ ...cust(s, t), name: "bot-tag", method: "automation" }),
  },
};

const NEST_TOKEN = "__hostile_nest__";

/** `$string`: `\uXXXX`, `\n`, `\r`, `\t` and `\\` escapes, nothing else (quotes stay as typed). */
const unescapeText = (text: string): string =>
  text.replace(/\\u([0-9a-fA-F]{4})|\\([nrt\\])/g, (_, hex: string | undefined, c: string) =>
    hex !== undefined
      ? String.fromCharCode(Number.parseInt(hex, 16))
      : c === "n"
        ? "\n"
        : c === "r"
          ? "\r"
          : c === "t"
            ? "\t"
            : "\\",
  );

/** Expands the generator notation into the value to send (see the file comment). */
const expand = (value: unknown, s: Seeded, nests: string[]): unknown => {
  if (Array.isArray(value)) return value.map((v) => expand(v, s, nests));
  if (value === null || typeof value !== "object") return value;
  const v = value as Record<string, unknown>;
  if (typeof v.$string === "string") return unescapeText(v.$string);
  if (typeof v.$repeat === "string") return v.$repeat.repeat(Number(v.times));
  if (typeof v.$ref === "string") {
    if (v.$ref === "random") return randomUUID();
    const id = s.refs[v.$ref];
    if (id === undefined) throw new Error(`no seeded id ${v.$ref}`);
    return id;
  }
  if (typeof v.$date === "string") return new Date(v.$date);
  if (typeof v.$bigint === "string") return BigInt(v.$bigint);
  if (typeof v.$number === "string") return Number(v.$number);
  if (typeof v.$nest === "number") {
    const depth = v.$nest;
    const leaf = JSON.stringify(v.leaf ?? 1);
    const [open, close] = v.as === "object" ? ['{"a":', "}"] : ["[", "]"];
    nests.push(open.repeat(depth) + leaf + close.repeat(depth));
    return `${NEST_TOKEN}${nests.length - 1}`;
  }
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, expand(x, s, nests)]));
};

const OMIT = Symbol("omit");

/** Sets `path` (dotted, numeric segments index arrays) in a copy of `input`; "" replaces it. */
const withField = (input: unknown, path: string, value: unknown): unknown => {
  if (path === "") return value;
  const [head, ...rest] = path.split(".") as [string, ...string[]];
  const container = (Array.isArray(input) ? [...input] : { ...(input as object) }) as Record<
    string,
    unknown
  >;
  const next = rest.length === 0 ? value : withField(container[head], rest.join("."), value);
  if (next === OMIT) delete container[head];
  else container[head] = next;
  return container;
};

/** The input a case sends: the procedure's valid input, its field replaced by the hostile value. */
const inputOf = (c: HostileCase, s: Seeded, nests: string[]): unknown => {
  const procedure = PROCEDURES[c.procedure];
  const target = c.target ?? "line";
  let input: unknown = procedure ? procedure.base(s, target, c) : {};
  for (const [k, v] of Object.entries(c.with ?? {}))
    input = withField(input, k, expand(v, s, nests));
  if (!("value" in c)) return input;
  const isOmit = typeof c.value === "object" && c.value !== null && "$omit" in (c.value as object);
  const field = c.field === "(input)" ? "" : c.field;
  return withField(input, field, isOmit ? OMIT : expand(c.value, s, nests));
};

/** What a call answered: its data, or the refusal as the formatter shaped it. */
type Answer =
  | { readonly ok: true; readonly data: unknown }
  | {
      readonly ok: false;
      readonly code: string | null;
      readonly httpStatus: number;
      readonly domainCode: string | null;
      readonly fields: readonly string[];
    };

/** The fields a refusal names, each once (a field may carry several messages). */
const fieldNames = (fields: readonly { field: string }[]) => [
  ...new Set(fields.map((f) => f.field)),
];

const secretOf = (s: Seeded, caller: Caller) =>
  caller === "teamB"
    ? s.world.teamB.admin.secret
    : caller === "integration"
      ? s.world.teamA.integration.secret
      : s.world.teamA.members.admin.secret;

// Dynamic access by path: the corpus drives the calls, the router's types can not.
const viaClient = async (client: PanelClient, path: string, kind: string, input: unknown) => {
  const procedure = path
    .split(".")
    .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], client) as Record<
    string,
    (i: unknown) => Promise<unknown>
  >;
  const invoke = procedure[kind === "query" ? "query" : "mutate"];
  if (!invoke) throw new Error(`no ${kind} on ${path}`);
  try {
    return { ok: true, data: await invoke(input) } as const;
  } catch (error) {
    const { data } = await errorOf(Promise.reject(error));
    return {
      ok: false,
      code: data?.code ?? null,
      httpStatus: data?.httpStatus ?? 0,
      domainCode: data?.domainCode ?? null,
      fields: fieldNames(data?.fields ?? []),
    } as const;
  }
};

const viaFetch = async (server: TestServer, secret: string, c: HostileCase, text: string) => {
  const kind = PROCEDURES[c.procedure]?.kind ?? "mutation";
  const method = c.method ?? (kind === "query" ? "GET" : "POST");
  const url = `${server.url}/trpc/${c.procedure}`;
  const headers = {
    authorization: `Bearer ${secret}`,
    "content-type": c.contentType ?? "application/json",
  };
  const res =
    method === "GET"
      ? await fetch(`${url}?input=${encodeURIComponent(text)}`, { headers })
      : await fetch(url, { method, headers, body: text });
  const body = await res.text();
  let parsed: {
    result?: { data?: unknown };
    error?: { json?: { data?: Record<string, unknown> } };
  };
  try {
    parsed = JSON.parse(body);
  } catch {
    return { ok: false, code: null, httpStatus: res.status, domainCode: null, fields: [] } as const;
  }
  if (res.ok && parsed.result) {
    const raw = parsed.result.data as { json: unknown; meta?: unknown };
    return { ok: true, data: superjson.deserialize(raw as never) } as const;
  }
  const data = parsed.error?.json?.data ?? {};
  return {
    ok: false,
    code: (data.code as string | undefined) ?? null,
    httpStatus: res.status,
    domainCode: (data.domainCode as string | null | undefined) ?? null,
    fields: fieldNames((data.fields as { field: string }[] | undefined) ?? []),
  } as const;
};

/** Sends one case over HTTP. */
const send = async (server: TestServer, s: Seeded, c: HostileCase): Promise<Answer> => {
  const caller = c.as ?? PROCEDURES[c.procedure]?.caller ?? "admin";
  const secret = secretOf(s, caller);
  if (c.transport !== "raw") {
    const procedure = PROCEDURES[c.procedure];
    if (!procedure) throw new Error(`${c.id}: ${c.procedure} needs the raw transport`);
    const client = server.client(secret, caller === "integration" ? { via: "apiKey" } : {});
    return viaClient(client, c.procedure, procedure.kind, inputOf(c, s, []));
  }
  if (c.body !== undefined) {
    // `{{ref}}` in a raw body names an id of the seeded world.
    const body = c.body.replace(/\{\{([\w.]+)\}\}/g, (_, ref: string) =>
      String(expand({ $ref: ref }, s, [])),
    );
    return viaFetch(server, secret, c, body);
  }
  const nests: string[] = [];
  const { json, meta } = superjson.serialize(inputOf(c, s, nests) as never);
  const text = JSON.stringify(meta ? { json, meta } : { json }).replace(
    new RegExp(`"${NEST_TOKEN}(\\d+)"`, "g"),
    (_, i: string) => nests[Number(i)] ?? "",
  );
  return viaFetch(server, secret, c, text);
};

const at = (value: unknown, path: string): unknown =>
  path === ""
    ? value
    : path.split(".").reduce<unknown>((v, k) => (v as Record<string, unknown> | null)?.[k], value);

const rowsOf = async (server: TestServer, query: ReturnType<typeof sql>) => {
  const result = (await server.database.db.execute(query)) as unknown as
    | { rows?: Record<string, unknown>[] }
    | Record<string, unknown>[];
  return Array.isArray(result) ? result : (result.rows ?? []);
};

const downloadCsv = async (server: TestServer, url: string): Promise<Record<string, string>[]> => {
  // A completed download records the export (L7) just after the last byte: wait for it, so
  // the next case's fingerprint is not taken in the middle of that write.
  const settled = server.nextDownloadSettled();
  const res = await fetch(`${server.url}${url}`);
  expect(res.status).toBe(200);
  const text = await res.text();
  await settled;
  return parse(text, { columns: true, bom: true, relax_column_count: false });
};

/** Reads a stored value back the way a member (or, for messages, the database) sees it. */
const readBack = async (
  server: TestServer,
  s: Seeded,
  c: HostileCase,
  data: unknown,
  read: string,
): Promise<unknown> => {
  const admin = server.client(s.world.teamA.members.admin.secret);
  const [source, ...rest] = read.split(".");
  const path = rest.join(".");
  if (source === "answer") return at(data, path);
  if (source === "panel") {
    const conversationId =
      (at(data, "conversationId") as string | undefined) ??
      s.targets[c.target ?? "line"].conversationId;
    return at(await admin.panel.get.query({ conversationId }), path);
  }
  if (source === "message") {
    const id = at(data, "messageId") as string;
    const [row] = await rowsOf(
      server,
      sql`select content, to_char(sent_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "sentAt" from messages where id = ${id}`,
    );
    return row?.[path];
  }
  if (source === "order") {
    const [row] = await rowsOf(
      server,
      sql`select total, items, to_char(placed_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "placedAt" from orders where order_id = ${`O-${c.id}`}`,
    );
    const [column, ...inner] = path.split(".");
    const value = row?.[column ?? ""];
    const decoded = typeof value === "string" && column === "items" ? JSON.parse(value) : value;
    return at(column === "total" ? Number(decoded) : decoded, inner.join("."));
  }
  throw new Error(`${c.id}: unknown read ${read}`);
};

/** The export a stored value lands in, downloaded and parsed. */
const exportRows = async (
  server: TestServer,
  s: Seeded,
  c: HostileCase,
  data: unknown,
  kind: "transcript" | "tagStats" | "tagRecords",
) => {
  const admin = server.client(s.world.teamA.members.admin.secret);
  const today = { from: taipeiToday(), to: taipeiToday() };
  if (kind === "transcript") {
    const conversationId =
      (at(data, "conversationId") as string | undefined) ??
      s.targets[c.target ?? "line"].conversationId;
    const link = await admin.conversations.export.mutate({ conversationId, format: "csv" });
    if (link.format !== "csv") throw new Error("expected a CSV link");
    return downloadCsv(server, link.url);
  }
  const link =
    kind === "tagStats"
      ? await admin.tagReports.stats.query(today)
      : await admin.tagReports.records.query(today);
  const rows = await downloadCsv(server, link.url);
  // Records: only the rows of the edited customer (the name is the customer's current one).
  return kind === "tagRecords"
    ? rows.filter((r) => r.customer_id === s.targets[c.target ?? "line"].customerId)
    : rows;
};

/** An expected answer: objects match partially; a non-empty array lists elements that must appear. */
const expectAnswered = (actual: unknown, expected: Json) => {
  if (Array.isArray(expected) && expected.length > 0) {
    expect(actual).toEqual(
      expect.arrayContaining(expected.map((e) => expect.objectContaining(e as object))),
    );
  } else if (Array.isArray(expected) || expected === null || typeof expected !== "object") {
    expect(actual).toEqual(expected);
  } else {
    expect(actual).toMatchObject(expected);
  }
};

const titleOf = (c: HostileCase): string => {
  const e = c.expect;
  const outcome =
    "refused" in e
      ? `is refused ${[e.refused.code ?? e.refused.httpStatus, e.refused.domainCode].filter(Boolean).join(" ")}${e.refused.fields ? ` naming ${e.refused.fields.map((f) => `\`${f || "(input)"}\``).join(", ")}` : ""}, nothing written`
      : "stored" in e
        ? `is stored safely${e.stored.csv ? ` and exported neutralised in ${e.stored.csv.export}` : ""}`
        : "is answered harmlessly, nothing written";
  return `${c.id} [${c.category}] ${c.procedure} \`${c.field}\`: ${c.attack} — ${outcome}`;
};

describe("the hostile input corpus is well formed", () => {
  it("has at least 150 cases, unique ids, and only known procedures or raw transport", () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(150);
    expect(new Set(CORPUS.map((c) => c.id)).size).toBe(CORPUS.length);
    for (const c of CORPUS) {
      expect(c.transport === "raw" || c.procedure in PROCEDURES, c.id).toBe(true);
    }
  });
});

describe.each(engines)("X4 hostile inputs over HTTP on $name", (engine) => {
  let handle: EngineHandle;
  let server: TestServer;
  let seeded: Seeded;

  beforeAll(async () => {
    handle = await engine.open();
    server = await startTestServer(handle);
    const world = await seedWorld(server);
    const admin = server.client(world.teamA.members.admin.secret);
    const integration = server.client(world.teamA.integration.secret, { via: "apiKey" });
    const { line } = world.teamA.conversations;
    const vip = await admin.tags.apply.mutate({ customerId: line.customerId, name: "VIP" });
    const bTag = await server
      .client(world.teamB.admin.secret)
      .tags.apply.mutate({ customerId: world.teamB.conversations.line.customerId, name: "B 標籤" });
    if (vip.kind !== "applied" || bTag.kind !== "applied") throw new Error("seed tags");
    // P3: a WhatsApp user known only by a business-scoped user id (no phone).
    const bsuid = await integration.ingest.message.mutate({
      identity: { channel: "whatsapp", externalUserId: "US.13491208655302741918" },
      businessScopedId: "US.13491208655302741918",
      sender: "customer",
      content: "hello",
      displayName: "BSUID 使用者",
    });
    // Dates attacks write far-off timestamps: they get a conversation of their own.
    const dates = await integration.ingest.message.mutate({
      identity: { channel: "line", externalUserId: "U-line-dates" },
      sender: "customer",
      content: "dates",
    });
    const webchat2 = await integration.ingest.message.mutate({
      identity: { channel: "webchat", externalUserId: "visitor-0002" },
      sender: "customer",
      content: "hi",
    });
    // P4/L3: the webchat visitor is the website member whose orders the corpus ingests.
    await integration.ingest.memberLogin.mutate({
      visitorId: "visitor-0001",
      websiteMemberId: "M-hostile",
    });
    const a = world.teamA.conversations;
    seeded = {
      world,
      targets: {
        line: a.line,
        whatsapp: a.whatsapp,
        webchat: a.webchat,
        bsuid: { ...bsuid, externalUserId: "US.13491208655302741918" },
        dates: { ...dates, externalUserId: "U-line-dates" },
        webchat2: { ...webchat2, externalUserId: "visitor-0002" },
      },
      refs: {
        "teamA.line.customerId": line.customerId,
        "teamA.line.customerId.upper": line.customerId.toUpperCase(),
        "teamA.line.conversationId": line.conversationId,
        "teamA.whatsapp.customerId": a.whatsapp.customerId,
        "teamA.vipTagId": vip.tagId,
        "teamA.members.cs_agent.id": world.teamA.members.cs_agent.id,
        "teamB.line.customerId": world.teamB.conversations.line.customerId,
        "teamB.line.conversationId": world.teamB.conversations.line.conversationId,
        "teamB.admin.id": world.teamB.admin.id,
        "teamB.tagId": bTag.tagId,
        "teamB.id": world.teamB.id,
      },
    };
  }, 180_000);

  afterAll(async () => {
    await server?.close();
    await handle?.dispose();
  });

  it.each(CORPUS.map((c) => [titleOf(c), c] as const))("%s", async (_title, c) => {
    const errorsBefore = server.errors.length;
    const expected = c.expect;
    const before = "stored" in expected ? null : await snapshot(server.database);
    const answer = await send(server, seeded, c);

    // Never a 500, never an unexpected error in the server's log.
    expect(answer.ok || answer.httpStatus).not.toBe(500);
    expect(answer.ok || answer.code).not.toBe("INTERNAL_SERVER_ERROR");
    expect(server.errors.slice(errorsBefore).map(String)).toEqual([]);

    if ("refused" in expected) {
      const r = expected.refused;
      expect(answer).toMatchObject({
        ok: false,
        httpStatus: r.httpStatus,
        ...(r.code !== undefined && { code: r.code }),
        ...(r.domainCode !== undefined && { domainCode: r.domainCode }),
        ...(r.fields !== undefined && { fields: r.fields }),
      });
    } else {
      expect(answer, JSON.stringify(answer)).toMatchObject({ ok: true });
    }
    if (before !== null) {
      // A refusal (or a harmless answer) writes nothing at all.
      expect(changedTables(before, await snapshot(server.database))).toEqual([]);
    }
    if (!answer.ok) return;
    if ("answered" in expected) expectAnswered(answer.data, expected.answered);
    if ("stored" in expected) {
      const { read, value, csv } = expected.stored;
      expect(await readBack(server, seeded, c, answer.data, read)).toEqual(
        expand(value, seeded, []),
      );
      if (csv) {
        const rows = await exportRows(server, seeded, c, answer.data, csv.export);
        expect(rows.map((r) => r[csv.column])).toContain(csv.cell);
      }
    }
  });
});
