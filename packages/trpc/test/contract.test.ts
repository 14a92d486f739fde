import { PROCEDURES, type ProcedurePath } from "@customer-panel/core";
import type { Database } from "@customer-panel/db";
import { type EngineHandle, engines } from "@customer-panel/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ClosableChangeStream, createChangeStream } from "../src/change-stream.js";
import { appRouter } from "../src/router.js";
import { eventually, type Subscriber, subscribe } from "./fixtures/live-client.js";
import { seedWorld, startTestServer, type TestServer } from "./harness.js";

/**
 * Issue 16, the wire contract: every procedure is called through the real server and
 * @trpc/client, and every answer must parse with its output schema in core's PROCEDURES.
 * The schemas are strict objects, so a field added, renamed or dropped in a use case or
 * the router fails here until the schema (and so the JSON Schemas and docs/api.md) says so.
 */

type RouterProcedure = { _def: { type: string; inputs: unknown[] } };
const routerProcedures = (appRouter as unknown as { _def: { procedures: object } })._def
  .procedures as Record<string, RouterProcedure>;

/** Today in the team's zone (Asia/Taipei), `YYYY-MM-DD`. */
const teamToday = () =>
  new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Taipei" }).format(new Date());

describe("issue 16: the router is the procedure list of core's PROCEDURES", () => {
  it("the same procedures, each of the same kind", () => {
    const kinds = (entries: [string, string][]) => Object.fromEntries(entries.sort());
    expect(kinds(Object.entries(routerProcedures).map(([path, p]) => [path, p._def.type]))).toEqual(
      kinds(Object.entries(PROCEDURES).map(([path, c]) => [path, c.kind])),
    );
  });

  it("each procedure validates its input with the very schema PROCEDURES names", () => {
    const mismatched = Object.entries(PROCEDURES).filter(
      ([path, contract]) => routerProcedures[path]?._def.inputs[0] !== contract.input,
    );
    expect(mismatched.map(([path]) => path)).toEqual([]);
  });
});

describe.each(engines)("issue 16: every answer on $name matches its output schema", (engine) => {
  let handle: EngineHandle;
  let database: Database;
  let stream: ClosableChangeStream;
  let server: TestServer;
  let subscriber: Subscriber;
  const answers: { readonly path: ProcedurePath; readonly value: unknown }[] = [];
  const seen = <T>(path: ProcedurePath, value: T): T => {
    answers.push({ path, value });
    return value;
  };

  beforeAll(async () => {
    handle = await engine.open();
    database = await handle.fresh();
    stream = createChangeStream(database);
    server = await startTestServer(database, { changes: stream });
    const world = await seedWorld(server);
    const { line, webchat, facebook, whatsapp } = world.teamA.conversations;
    const admin = server.client(world.teamA.members.admin.secret);
    const integration = server.client(world.teamA.integration.secret, { via: "apiKey" }).ingest;

    subscriber = subscribe(admin, {});
    expect(await eventually(() => stream.subscriberCount() > 0)).toBe(true);

    const lineIdentity = { channel: "line" as const, externalUserId: line.externalUserId };
    seen(
      "ingest.message",
      await integration.message.mutate({
        identity: lineIdentity,
        sender: "customer",
        content: "在嗎",
      }),
    );
    const visitorId = webchat.externalUserId;
    seen(
      "ingest.pageVisit",
      await integration.pageVisit.mutate({
        visitorId,
        pageUrl: "https://shop.example/tea",
        pageTitle: "高山茶",
      }),
    );
    const websiteMemberId = "wm-0001";
    seen(
      "ingest.memberLogin",
      await integration.memberLogin.mutate({ visitorId, websiteMemberId }),
    );
    const items = [{ sku: "TEA-1", name: "高山茶", quantity: 2, unitPrice: 60_000 }];
    seen(
      "ingest.orders",
      await integration.orders.mutate({
        websiteMemberId,
        orders: [
          {
            orderId: "order-1",
            placedAt: new Date(Date.now() - 86_400_000),
            currency: "TWD",
            total: 120_000,
            items,
          },
        ],
        cart: { currency: "TWD", items },
      }),
    );
    seen("panel.get", await admin.panel.get.query({ conversationId: webchat.conversationId }));
    seen("ingest.pageClosed", await integration.pageClosed.mutate({ visitorId }));
    seen(
      "ingest.identityBound",
      await integration.identityBound.mutate({ identity: lineIdentity, websiteMemberId }),
    );
    seen(
      "ingest.omoBinding",
      await integration.omoBinding.mutate({ identity: lineIdentity, omoMemberId: "omo-0001" }),
    );
    seen("panel.get", await admin.panel.get.query({ conversationId: line.conversationId }));
    seen("panel.get", await admin.panel.get.query({ conversationId: webchat.conversationId }));

    const { customerId, conversationId } = line;
    seen(
      "profile.update",
      await admin.profile.update.mutate({ customerId, email: "chen@example.com", note: "VIP" }),
    );
    seen(
      "preferences.setPanelHidden",
      await admin.preferences.setPanelHidden.mutate({ hidden: false }),
    );
    const applied = seen(
      "tags.apply",
      await admin.tags.apply.mutate({ customerId, name: "VIP", conversationId }),
    );
    seen("tags.apply", await admin.tags.apply.mutate({ customerId, name: "VIP", conversationId }));
    seen("ingest.tag", await integration.tag.mutate({ customerId, name: "回購", method: "api" }));
    seen("tags.suggest", await admin.tags.suggest.query({ query: "V" }));
    seen("tags.frequency", await admin.tags.frequency.query({ customerId }));
    const today = teamToday();
    seen(
      "tags.frequency",
      await admin.tags.frequency.query({ customerId, from: today, to: today }),
    );
    seen("tags.remove", await admin.tags.remove.mutate({ customerId, tagId: applied.tagId }));
    seen("tagReports.stats", await admin.tagReports.stats.query({ from: today, to: today }));
    seen("tagReports.records", await admin.tagReports.records.query({ from: today, to: today }));

    const onFacebook = { conversationId: facebook.conversationId };
    seen(
      "conversations.setStatus",
      await admin.conversations.setStatus.mutate({ ...onFacebook, active: false }),
    );
    seen(
      "conversations.setStatus",
      await admin.conversations.setStatus.mutate({ ...onFacebook, active: true }),
    );
    seen(
      "conversations.changeState",
      await admin.conversations.changeState.mutate({
        conversationId,
        command: "assign",
        assigneeId: world.teamA.members.cs_agent.id,
      }),
    );
    seen(
      "conversations.changeState",
      await admin.conversations.changeState.mutate({ conversationId, command: "close" }),
    );
    seen(
      "conversations.export",
      await admin.conversations.export.mutate({ conversationId, format: "csv" }),
    );
    seen(
      "conversations.export",
      await admin.conversations.export.mutate({
        conversationId,
        format: "email",
        to: "boss@example.com",
      }),
    );
    seen("conversations.search", await admin.conversations.search.query({ query: "陳大文" }));
    seen("conversations.search", await admin.conversations.search.query({ query: "訂單" }));
    const firstPage = await admin.conversations.list.query({ limit: 1 });
    seen("conversations.list", firstPage);
    seen(
      "conversations.list",
      await admin.conversations.list.query({ cursor: firstPage.nextCursor ?? undefined }),
    );
    seen("members.list", await admin.members.list.query({}));
    seen("omo.unbind", await admin.omo.unbind.mutate({ conversationId }));
    seen("events.list", await admin.events.list.query({ conversationId }));
    seen("events.list", await admin.events.list.query({ ...onFacebook, limit: 1 }));
    const toDelete = { conversationId: whatsapp.conversationId };
    seen("conversations.delete", await admin.conversations.delete.mutate(toDelete));
    seen("conversations.delete", await admin.conversations.delete.mutate(toDelete));

    await subscriber.next((r) => r.change.kind === "deleted");
    for (const { change } of subscriber.received) seen("panel.onChange", change);
  });

  afterAll(async () => {
    subscriber?.unsubscribe();
    await stream?.close();
    await server?.close();
    await handle?.dispose();
  });

  it.each(Object.keys(PROCEDURES) as ProcedurePath[])(
    "%s: was called, and each answer parses with its strict output schema",
    (path) => {
      const values = answers.filter((a) => a.path === path).map((a) => a.value);
      expect(values.length).toBeGreaterThan(0);
      for (const value of values) {
        const parsed = PROCEDURES[path].output.safeParse(value);
        expect(parsed.error?.issues ?? [], JSON.stringify(value)).toEqual([]);
      }
    },
  );

  it("every variant of a union answer was seen: tags.apply, conversations.export, presence", () => {
    const field = (path: ProcedurePath, pick: (v: Record<string, unknown>) => unknown) =>
      new Set(answers.filter((a) => a.path === path).map((a) => pick(a.value as never)));
    expect(field("tags.apply", (v) => v.kind)).toEqual(
      new Set(["applied", "confirmation_required"]),
    );
    expect(field("conversations.export", (v) => v.format)).toEqual(new Set(["csv", "email"]));
    const presence = (v: Record<string, unknown>) => (v.lastPage as { status: string }).status;
    expect([
      ...field("ingest.pageVisit", presence),
      ...field("ingest.pageClosed", presence),
    ]).toEqual(["online", "offline"]);
  });
});
