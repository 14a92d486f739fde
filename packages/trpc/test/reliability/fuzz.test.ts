import { randomUUID } from "node:crypto";
import { type EngineHandle, engines } from "@customer-panel/db/testing";
import fc from "fast-check";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appRouter } from "../../src/router.js";
import { seedWorld, startTestServer, type TestServer, type World } from "../harness.js";
import { changedTables, type Snapshot, snapshot } from "./snapshot.js";

/**
 * X4 fuzzing over real HTTP: fast-check sends arbitrary JSON (`fc.jsonValue`) and inputs
 * shaped like the real ones with mutated fields (the seeded world's ids, another team's ids,
 * random UUIDs, hostile and random strings, odd numbers and dates) to every procedure of
 * the router, as a random caller. Properties: the server never answers 500 /
 * INTERNAL_SERVER_ERROR nor logs an unexpected error, and a refused call leaves the database
 * fingerprint unchanged.
 *
 * Bounded and reproducible: a fixed seed and `numRuns` per procedure, overridable with
 * FUZZ_SEED and FUZZ_RUNS; fast-check prints the seed and the shrunk counterexample on
 * failure. Each engine prints a one-line summary of what was sent and answered.
 */

const SEED = Number(process.env.FUZZ_SEED ?? 7_2025);
const RUNS = Number(process.env.FUZZ_RUNS ?? 30);

type Kind = "query" | "mutation" | "subscription";

/** Every procedure of the router with its kind, read from the router itself. */
const ROUTER_PROCEDURES: Readonly<Record<string, Kind>> = Object.fromEntries(
  Object.entries(
    (appRouter as unknown as { _def: { procedures: Record<string, { _def: { type: Kind } }> } })
      ._def.procedures,
  ).map(([path, p]) => [path, p._def.type]),
);

/** What the fuzz draws from, built once the world is seeded. */
interface Pools {
  readonly conversationIds: readonly string[];
  readonly customerIds: readonly string[];
  readonly memberIds: readonly string[];
  readonly tagIds: readonly string[];
  readonly externalIds: readonly string[];
}

type Caller = "admin" | "agent" | "app" | "teamB" | "integration" | "integrationB" | "none";

const HOSTILE_STRINGS = [
  "",
  " ",
  "=1+2",
  "@SUM(A1)",
  "=cmd|' /C calc'!A0",
  "＝1+2",
  "\u0000",
  "\ud800",
  "a\udc00",
  "\u202egpj.exe",
  "VIP\u200b",
  "\u200b",
  "'; DROP TABLE customers; --",
  "%",
  "_",
  "\\",
  "=+8613800138000",
  "+886912345678",
  "+86 138 0013 8000",
  "886912345678",
  "US.13491208655302741918",
  "2025-02-30",
  "9999-12-31",
  "0000-01-01",
  "+275760-09-13T00:00:00.000Z",
  "-271821-04-20T00:00:00.000Z",
  "javascript:alert(1)",
  "http://shop.example/\u0000",
  "https://shop.example/",
  "__proto__",
  "constructor",
  "a".repeat(5_000),
  "備".repeat(2_001),
  "\t\r\n",
];

const someUuid = fc.constant(null).map(() => randomUUID());
const anyJson = fc.jsonValue({ maxDepth: 3 });
const oddNumbers = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -1, 1.5, 2 ** 53 + 2, 1e308, -1e308, Number.NaN, Number.POSITIVE_INFINITY),
);
const text = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 2, arbitrary: fc.string({ maxLength: 60 }) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 60 }) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 60 }) },
  { weight: 1, arbitrary: anyJson },
);
const oneOfPool = (pool: readonly string[]) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...pool) },
    { weight: 1, arbitrary: someUuid },
    { weight: 1, arbitrary: text },
  );
const bool = fc.oneof({ weight: 4, arbitrary: fc.boolean() }, { weight: 1, arbitrary: anyJson });
const int = fc.oneof({ weight: 2, arbitrary: fc.nat(300) }, { weight: 1, arbitrary: oddNumbers });
const calendarDate = fc.oneof(
  fc
    .date({ min: new Date("1000-01-01"), max: new Date("9999-12-31"), noInvalidDate: true })
    .map((d) => d.toISOString().slice(0, 10)),
  fc.constantFrom("2025-06-01", "2025-06-30", "2025-07-02"),
  text,
);
const instant = fc.oneof(
  { weight: 3, arbitrary: fc.date({ min: new Date("2024-01-01"), max: new Date("2026-12-31") }) },
  fc.date(),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  oddNumbers,
  text,
);
const oneOf = (...values: string[]) =>
  fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...values) }, { weight: 1, arbitrary: text });

/** A field: usually a plausible value, else a hostile or random one. */
const mixed = (...valid: unknown[]) =>
  fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...valid) }, { weight: 2, arbitrary: text });
const words = mixed("VIP", "王小明", "hello", "回購客 🎉", "  spaced  name  ");

/**
 * A strict object: every field drawn (a required one is sometimes left out, an optional one
 * often), and now and then a smuggled key (`teamId`, `role`, `__proto__` …) joins it.
 */
const shaped = (
  required: Record<string, fc.Arbitrary<unknown>>,
  optional: Record<string, fc.Arbitrary<unknown>> = {},
) =>
  fc
    .tuple(
      fc.record({ ...required, ...optional }, { requiredKeys: Object.keys(required) }),
      fc.oneof(
        { weight: 9, arbitrary: fc.constant(null) },
        { weight: 1, arbitrary: fc.constantFrom(...Object.keys(required), "*") },
      ),
      fc.oneof(
        { weight: 9, arbitrary: fc.constant(null) },
        { weight: 1, arbitrary: fc.constantFrom("teamId", "role", "client", "__proto__") },
      ),
      anyJson,
    )
    .map(([record, dropped, extra, value]) => {
      const out: Record<string, unknown> = { ...record };
      if (dropped !== null && dropped !== "*") delete out[dropped];
      // A computed key makes `__proto__` an own property, as JSON.parse would.
      return extra === null ? out : { ...out, [extra]: value };
    });

/** Input arbitraries per procedure: shaped like the real input most of the time, any JSON else. */
const inputsOf = (p: Pools): Record<string, fc.Arbitrary<unknown>> => {
  const conversationId = oneOfPool(p.conversationIds);
  const customerId = oneOfPool(p.customerIds);
  const identity = shaped({
    channel: oneOf("line", "facebook", "instagram", "whatsapp", "webchat"),
    externalUserId: oneOfPool(p.externalIds),
  });
  const item = shaped({
    sku: mixed("SKU-1"),
    name: words,
    quantity: int,
    unitPrice: int,
  });
  const key = mixed("retry-key-0001", "retry-key-0002");
  const shapes: Record<string, fc.Arbitrary<unknown>> = {
    "panel.get": shaped({ conversationId }),
    "panel.onChange": shaped({}, { conversationId, lastEventId: mixed("1", "0") }),
    "profile.update": shaped(
      { customerId },
      {
        displayName: words,
        email: mixed("a@example.com", ""),
        phone: mixed("+886912345678", "+86 138 0013 8000", ""),
        note: words,
      },
    ),
    "preferences.setPanelHidden": shaped({ hidden: bool }),
    "events.list": shaped({ conversationId }, { cursor: mixed("1", "99"), limit: int }),
    "tags.suggest": shaped({ query: words }, { limit: int }),
    "tags.apply": shaped(
      { customerId, name: words },
      { conversationId, confirm: bool, idempotencyKey: key },
    ),
    "tags.remove": shaped({ customerId, tagId: oneOfPool(p.tagIds) }),
    "tags.frequency": shaped({ customerId }, { from: calendarDate, to: calendarDate }),
    "tagReports.stats": shaped({ from: calendarDate, to: calendarDate }),
    "tagReports.records": shaped({ from: calendarDate, to: calendarDate }),
    "conversations.setStatus": shaped({ conversationId, active: bool }),
    "conversations.changeState": shaped(
      { conversationId, command: oneOf("follow_up", "reopen", "close", "assign") },
      { assigneeId: oneOfPool(p.memberIds) },
    ),
    "conversations.export": shaped(
      { conversationId, format: oneOf("csv", "email") },
      { to: mixed("boss@example.com") },
    ),
    "conversations.delete": shaped({ conversationId }),
    "conversations.search": shaped({ query: words }, { limit: int }),
    "conversations.list": shaped({}, { cursor: text, limit: int }),
    "members.list": shaped({}),
    "omo.unbind": shaped({ conversationId }),
    "ingest.message": shaped(
      { identity, sender: oneOf("customer", "bot", "agent"), content: words },
      {
        sentAt: instant,
        agentId: oneOfPool(p.memberIds),
        displayName: words,
        waId: oneOf("886912345678", "+886912345678", "0912345678"),
        businessScopedId: mixed("US.1234567890"),
      },
    ),
    "ingest.pageVisit": shaped(
      { visitorId: oneOfPool(p.externalIds), pageUrl: mixed("https://shop.example/p/1") },
      { pageTitle: words },
    ),
    "ingest.pageClosed": shaped({ visitorId: oneOfPool(p.externalIds) }),
    "ingest.memberLogin": shaped({
      visitorId: oneOfPool(p.externalIds),
      websiteMemberId: mixed("M-fuzz"),
    }),
    "ingest.identityBound": shaped({ identity, websiteMemberId: mixed("M-fuzz") }),
    "ingest.orders": shaped(
      {
        websiteMemberId: mixed("M-fuzz"),
        orders: fc.oneof(
          {
            weight: 4,
            arbitrary: fc.array(
              shaped({
                orderId: mixed("O-1", "O-2"),
                placedAt: instant,
                currency: oneOf("TWD", "usd"),
                total: int,
                items: fc.oneof(
                  { weight: 4, arbitrary: fc.array(item, { maxLength: 3 }) },
                  { weight: 1, arbitrary: anyJson },
                ),
              }),
              { maxLength: 3 },
            ),
          },
          { weight: 1, arbitrary: anyJson },
        ),
      },
      {
        cart: fc.oneof(
          fc.constant(null),
          shaped({ currency: oneOf("TWD"), items: fc.array(item, { maxLength: 3 }) }),
        ),
      },
    ),
    "ingest.omoBinding": shaped({ identity, omoMemberId: mixed("OMO-1") }),
    "ingest.tag": shaped(
      {
        customerId,
        name: words,
        method: oneOf("auto_reply", "broadcast", "automation", "api", "import", "manual"),
      },
      { conversationId, idempotencyKey: key },
    ),
  };
  return Object.fromEntries(
    Object.entries(shapes).map(([path, arbitrary]) => [
      path,
      fc.oneof({ weight: 5, arbitrary }, { weight: 1, arbitrary: anyJson }),
    ]),
  );
};

/** Callers: mostly the kind the procedure is for, sometimes the wrong one or none. */
const callerOf = (path: string): fc.Arbitrary<Caller> =>
  path.startsWith("ingest.")
    ? fc.oneof(
        { weight: 8, arbitrary: fc.constant<Caller>("integration") },
        { weight: 1, arbitrary: fc.constantFrom<Caller>("integrationB", "admin", "none") },
      )
    : fc.oneof(
        { weight: 5, arbitrary: fc.constant<Caller>("admin") },
        {
          weight: 2,
          arbitrary: fc.constantFrom<Caller>("agent", "app", "teamB", "integration", "none"),
        },
      );

/**
 * The request body: superjson's envelope (so Dates, NaN and Infinity travel as they would from
 * the real client), or — for what superjson refuses to serialise, a `__proto__` key — the
 * plain JSON a hostile client would send anyway.
 */
const bodyOf = (input: unknown): string => {
  try {
    return JSON.stringify(superjson.serialize(input as never));
  } catch {
    return JSON.stringify({ json: input });
  }
};

interface Tally {
  requests: number;
  accepted: number;
  refused: Record<string, number>;
  internalErrors: number;
}

describe.each(engines)("X4 fuzzing every procedure over HTTP on $name", (engine) => {
  let handle: EngineHandle;
  let server: TestServer;
  let world: World;
  let inputs: Record<string, fc.Arbitrary<unknown>>;
  let last: Snapshot | null = null;
  const tally: Tally = { requests: 0, accepted: 0, refused: {}, internalErrors: 0 };
  let started = 0;

  beforeAll(async () => {
    started = Date.now();
    handle = await engine.open();
    server = await startTestServer(handle);
    world = await seedWorld(server);
    const admin = server.client(world.teamA.members.admin.secret);
    const a = world.teamA.conversations;
    const vip = await admin.tags.apply.mutate({ customerId: a.line.customerId, name: "VIP" });
    const b = world.teamB.conversations.line;
    inputs = inputsOf({
      conversationIds: [...Object.values(a).map((c) => c.conversationId), b.conversationId],
      customerIds: [...Object.values(a).map((c) => c.customerId), b.customerId],
      memberIds: [...Object.values(world.teamA.members).map((m) => m.id), world.teamB.admin.id],
      tagIds: vip.kind === "applied" ? [vip.tagId] : [],
      externalIds: [...Object.values(a).map((c) => c.externalUserId), b.externalUserId],
    });
  }, 180_000);

  afterAll(async () => {
    const refused = Object.values(tally.refused).reduce((n, k) => n + k, 0);
    const byCode = Object.entries(tally.refused)
      .sort(([x], [y]) => (x < y ? -1 : 1))
      .map(([code, n]) => `${code}=${n}`)
      .join(" ");
    console.log(
      `fuzz ${engine.name}: seed=${SEED} runs/procedure=${RUNS} requests=${tally.requests} accepted=${tally.accepted} refused=${refused} (${byCode}) 500s=${tally.internalErrors} in ${((Date.now() - started) / 1000).toFixed(1)}s`,
    );
    await server?.close();
    await handle?.dispose();
  });

  const secretOf = (caller: Caller): string | null => {
    switch (caller) {
      case "admin":
        return world.teamA.members.admin.secret;
      case "agent":
        return world.teamA.members.cs_agent.secret;
      case "app":
        return world.teamA.appAdmin.secret;
      case "teamB":
        return world.teamB.admin.secret;
      case "integration":
        return world.teamA.integration.secret;
      case "integrationB":
        return world.teamB.integration.secret;
      case "none":
        return null;
    }
  };

  /** One raw HTTP call; answers the status and the error code (domain code first), or null. */
  const send = async (path: string, kind: Kind, caller: Caller, input: unknown) => {
    const secret = secretOf(caller);
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (secret !== null) headers.authorization = `Bearer ${secret}`;
    const text = bodyOf(input);
    const url = `${server.url}/trpc/${path}`;
    // A subscription answers over SSE; the harness's change stream is empty, so the stream
    // (or its error event) ends at once. The timeout only bounds a misbehaving server.
    const res =
      kind === "mutation"
        ? await fetch(url, { method: "POST", headers, body: text })
        : await fetch(`${url}?input=${encodeURIComponent(text)}`, {
            headers:
              kind === "subscription" ? { ...headers, accept: "text/event-stream" } : headers,
            signal: AbortSignal.timeout(10_000),
          });
    const body = await res.text();
    const code =
      /"domainCode":"([A-Z_]+)"/.exec(body)?.[1] ?? /"code":"([A-Z_]+)"/.exec(body)?.[1] ?? null;
    const failed = !res.ok || (kind === "subscription" && /"error"|serialized-error/.test(body));
    return { status: res.status, code: failed ? (code ?? `HTTP_${res.status}`) : null, body };
  };

  it("every procedure of the router has a fuzz entry (a new one fails here until it has)", () => {
    expect(Object.keys(ROUTER_PROCEDURES).sort()).toEqual(Object.keys(inputsOf(EMPTY)).sort());
  });

  it.each(Object.entries(ROUTER_PROCEDURES))(
    "%s (%s): never a 500, and a refusal writes nothing",
    async (path, kind) => {
      const arbitrary = inputs[path];
      if (!arbitrary) throw new Error(`no fuzz entry for ${path}`);
      await fc.assert(
        fc.asyncProperty(callerOf(path), arbitrary, async (caller, input) => {
          const errorsBefore = server.errors.length;
          const before = last ?? (await snapshot(server.database));
          const answer = await send(path, kind, caller, input);
          tally.requests++;
          if (answer.status >= 500 || answer.code === "INTERNAL_SERVER_ERROR") {
            tally.internalErrors++;
          }
          expect(answer.status, answer.body.slice(0, 500)).toBeLessThan(500);
          expect(answer.code).not.toBe("INTERNAL_SERVER_ERROR");
          expect(server.errors.slice(errorsBefore).map(String)).toEqual([]);
          if (answer.code === null) {
            tally.accepted++;
            // An accepted mutation may write: the next call starts from a fresh fingerprint.
            last = kind === "mutation" ? null : before;
            return;
          }
          tally.refused[answer.code] = (tally.refused[answer.code] ?? 0) + 1;
          const after = await snapshot(server.database);
          expect(changedTables(before, after)).toEqual([]);
          last = after;
        }),
        { seed: SEED, numRuns: RUNS, endOnFailure: true },
      );
    },
    120_000,
  );
});

const EMPTY: Pools = {
  conversationIds: ["x"],
  customerIds: ["x"],
  memberIds: ["x"],
  tagIds: ["x"],
  externalIds: ["x"],
};
