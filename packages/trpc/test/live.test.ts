import { randomUUID } from "node:crypto";
import { createPanelClient, type PanelClient } from "@customer-panel/client";
import type {
  Actor,
  ConversationId,
  CredentialId,
  IntegrationActor,
  MemberActor,
  MemberId,
  PanelChange,
  Role,
  TeamId,
} from "@customer-panel/core";
import type { Database } from "@customer-panel/db";
import { CHANGES_CHANNEL } from "@customer-panel/db/repositories";
import {
  type EngineHandle,
  engines,
  seedCustomer,
  seedMember,
  seedTeam,
} from "@customer-panel/db/testing";
import { Effect } from "effect";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { makeChangeFeed } from "../../db/src/repositories/change-feed.js";
import { type ClosableChangeStream, createChangeStream } from "../src/change-stream.js";
import type { Authenticate, PanelServices } from "../src/context.js";
import { type PanelServer, startPanelServer } from "../src/server.js";
import { createPanelServices } from "../src/services.js";
import { eventually, type Subscriber, subscribe } from "./fixtures/live-client.js";

/** A team with a webchat visitor, a member of each role needed, and an integration. */
const seedLiveTeam = async (database: Database, visitorId: string) => {
  const teamId = (await seedTeam(database.db)) as TeamId;
  const member = async (role: Role): Promise<MemberActor> => ({
    kind: "member",
    teamId,
    memberId: (await seedMember(database.db, teamId, role, `${role} 小美`)) as MemberId,
    name: `${role} 小美`,
    role,
    client: "web",
  });
  const webchat = await seedCustomer(database.db, teamId, {
    channel: "webchat",
    externalId: visitorId,
  });
  const integration: IntegrationActor = {
    kind: "integration",
    teamId,
    credentialId: randomUUID() as CredentialId,
  };
  return {
    teamId,
    agent: await member("cs_agent"),
    admin: await member("admin"),
    integration,
    visitorId,
    conversationId: webchat.conversationId,
  };
};

/** Bearer token → actor, as a host's authentication would answer. */
const tokenAuthentication = (tokens: ReadonlyMap<string, Actor>): Authenticate => {
  return async ({ headers }) => {
    const match = /^Bearer (\S+)$/.exec(String(headers.authorization ?? ""));
    return (match?.[1] !== undefined && tokens.get(match[1])) || null;
  };
};

describe.each(engines)("live panel over SSE on $name", (engine) => {
  let handle: EngineHandle;
  let database: Database;
  let stream: ClosableChangeStream;
  let server: PanelServer;
  let services: PanelServices;
  let teamA: Awaited<ReturnType<typeof seedLiveTeam>>;
  let teamB: Awaited<ReturnType<typeof seedLiveTeam>>;
  let as: (actor: Actor) => PanelClient;

  beforeAll(async () => {
    handle = await engine.open();
    database = await handle.fresh();
    teamA = await seedLiveTeam(database, "visitor-a");
    teamB = await seedLiveTeam(database, "visitor-b");
    const tokens = new Map<string, Actor>();
    const tokenOf = new Map<Actor, string>();
    for (const actor of [
      teamA.agent,
      teamA.admin,
      teamA.integration,
      teamB.agent,
      teamB.integration,
    ]) {
      const token = randomUUID();
      tokens.set(token, actor);
      tokenOf.set(actor, token);
    }
    stream = createChangeStream(database);
    services = createPanelServices({
      database,
      mailer: { send: () => Effect.void },
      exportQuota: { limit: 1_000_000 },
      changes: stream,
    });
    server = await startPanelServer({
      services,
      authenticate: tokenAuthentication(tokens),
    });
    as = (actor) => createPanelClient({ url: server.url, token: tokenOf.get(actor) ?? "" });
  });

  afterAll(async () => {
    await stream?.close();
    await server?.close();
    await services?.runtime.dispose();
    await handle?.dispose();
  });

  // Every test's subscriptions end after it, so one failure does not leak into the next.
  const opened: Subscriber[] = [];
  const track = (subscriber: Subscriber) => {
    opened.push(subscriber);
    return subscriber;
  };
  afterEach(async () => {
    for (const s of opened.splice(0)) s.unsubscribe();
    await eventually(() => stream.subscriberCount() === 0);
  });

  /** Subscribes and waits until the stream counts it live (past its backlog). */
  const subscribed = async (...args: Parameters<typeof subscribe>) => {
    const before = stream.subscriberCount();
    const subscriber = track(subscribe(...args));
    expect(await eventually(() => stream.subscriberCount() > before)).toBe(true);
    return subscriber;
  };

  describe("L6 B6 presence reaches subscribed members at once, and only their team's", () => {
    it("pageVisit then pageClosed: presence within 1 s each, then panel.get shows offline with no link; team B hears nothing of A", async () => {
      const a = await subscribed(as(teamA.agent), {});
      const b = await subscribed(as(teamB.agent), {});
      const ingestA = as(teamA.integration).ingest;
      const onConversation =
        (kind: string) => (r: { change: { kind: string; conversationId: string | null } }) =>
          r.change.kind === kind && r.change.conversationId === teamA.conversationId;

      let sent = performance.now();
      await ingestA.pageVisit.mutate({
        visitorId: teamA.visitorId,
        pageUrl: "https://shop.example/cart",
        pageTitle: "購物車",
      });
      const visit = await a.next(onConversation("presence"), { timeoutMs: 1_000 });
      expect(visit).not.toBeNull();
      expect((visit?.at ?? Number.POSITIVE_INFINITY) - sent).toBeLessThan(1_000);
      const online = await as(teamA.agent).panel.get.query({
        conversationId: teamA.conversationId,
      });
      expect(online.lastPage).toMatchObject({
        status: "online",
        pageUrl: "https://shop.example/cart",
      });

      const since = a.received.length;
      sent = performance.now();
      await ingestA.pageClosed.mutate({ visitorId: teamA.visitorId });
      const closed = await a.next(onConversation("presence"), { since, timeoutMs: 1_000 });
      expect(closed).not.toBeNull();
      expect((closed?.at ?? Number.POSITIVE_INFINITY) - sent).toBeLessThan(1_000);
      expect(closed?.change).toEqual({
        teamId: teamA.teamId,
        conversationId: teamA.conversationId,
        customerId: expect.any(String),
        kind: "presence",
        at: expect.any(Date),
      });
      expect(Number(closed?.id)).toBeGreaterThan(Number(visit?.id));
      const panel = await as(teamA.agent).panel.get.query({ conversationId: teamA.conversationId });
      expect(panel.lastPage?.status).toBe("offline");
      expect(panel.lastPage).not.toHaveProperty("pageUrl");
      expect(JSON.stringify(panel)).not.toContain("shop.example");

      // X2: team B's subscriber was live all along and heard none of it — but does hear its own.
      await ingestA.pageVisit.mutate({
        visitorId: teamA.visitorId,
        pageUrl: "https://shop.example/",
      });
      await as(teamB.integration).ingest.pageVisit.mutate({
        visitorId: teamB.visitorId,
        pageUrl: "https://b.example/",
      });
      expect(await b.next((r) => r.change.conversationId === teamB.conversationId)).not.toBeNull();
      expect(b.received.map((r) => r.change.teamId)).toEqual([teamB.teamId]);
      await new Promise((r) => setTimeout(r, 100));
      expect(a.received.every((r) => r.change.teamId === teamA.teamId)).toBe(true);
      expect([...a.errors, ...b.errors]).toEqual([]);
      a.unsubscribe();
      b.unsubscribe();
      expect(await eventually(() => stream.subscriberCount() === 0)).toBe(true);
    });

    it("a subscription to one conversation gets only that conversation's changes", async () => {
      const other = await seedCustomer(database.db, teamA.teamId, {
        channel: "webchat",
        externalId: "visitor-a2",
      });
      const one = await subscribed(as(teamA.agent), { conversationId: other.conversationId });
      await as(teamA.integration).ingest.pageClosed.mutate({ visitorId: teamA.visitorId });
      await as(teamA.integration).ingest.pageVisit.mutate({
        visitorId: "visitor-a2",
        pageUrl: "https://shop.example/a2",
      });
      expect(await one.next((r) => r.change.kind === "presence")).not.toBeNull();
      await new Promise((r) => setTimeout(r, 100));
      expect(one.received.map((r) => r.change.conversationId)).toEqual([other.conversationId]);
      one.unsubscribe();
      expect(await eventually(() => stream.subscriberCount() === 0)).toBe(true);
    });
  });

  describe("B6 resume with lastEventId", () => {
    it("a member who reconnects with the last id gets what happened while away, in order, then live changes", async () => {
      const ingestA = as(teamA.integration).ingest;
      const first = await subscribed(as(teamA.agent), {});
      await ingestA.pageVisit.mutate({
        visitorId: teamA.visitorId,
        pageUrl: "https://shop.example/1",
      });
      const seen = await first.next((r) => r.change.kind === "presence");
      expect(seen).not.toBeNull();
      first.unsubscribe();
      expect(await eventually(() => stream.subscriberCount() === 0)).toBe(true);

      // While disconnected: two presence changes of A, one of team B.
      await ingestA.pageClosed.mutate({ visitorId: teamA.visitorId });
      await ingestA.pageVisit.mutate({
        visitorId: teamA.visitorId,
        pageUrl: "https://shop.example/2",
      });
      await as(teamB.integration).ingest.pageClosed.mutate({ visitorId: teamB.visitorId });

      const back = await subscribed(as(teamA.agent), { lastEventId: seen?.id ?? "" });
      expect(await eventually(() => back.received.length >= 2)).toBe(true);
      expect(back.received.map((r) => r.change.kind)).toEqual(["presence", "presence"]);
      const ids = back.received.map((r) => Number(r.id));
      expect(ids[0]).toBeGreaterThan(Number(seen?.id));
      expect(ids[1]).toBeGreaterThan(ids[0] ?? 0);
      expect(back.received.every((r) => r.change.teamId === teamA.teamId)).toBe(true);
      // …and then live, without repeating the backlog.
      await ingestA.pageClosed.mutate({ visitorId: teamA.visitorId });
      expect(await back.next(() => true, { since: 2 })).not.toBeNull();
      await new Promise((r) => setTimeout(r, 100));
      expect(new Set(back.received.map((r) => r.id)).size).toBe(back.received.length);
      expect(back.received).toHaveLength(3);
      back.unsubscribe();
      expect(await eventually(() => stream.subscriberCount() === 0)).toBe(true);

      // A junk id replays nothing (it can not address another position or team).
      const junk = await subscribed(as(teamA.agent), { lastEventId: "'; drop table x; --" });
      await new Promise((r) => setTimeout(r, 100));
      expect(junk.received).toEqual([]);
      junk.unsubscribe();
      expect(await eventually(() => stream.subscriberCount() === 0)).toBe(true);
    });

    it("B5 a deletion is pushed with an id that still resumes: nothing after it is lost", async () => {
      const doomed = await seedCustomer(database.db, teamA.teamId, { channel: "line" });
      const live = await subscribed(as(teamA.agent), {});
      await as(teamA.admin).conversations.delete.mutate({ conversationId: doomed.conversationId });
      const deleted = await live.next((r) => r.change.kind === "deleted");
      expect(deleted?.change.conversationId).toBe(doomed.conversationId);
      expect(deleted?.id).toMatch(/^\d+-deleted-/);
      live.unsubscribe();
      expect(await eventually(() => stream.subscriberCount() === 0)).toBe(true);
      await as(teamA.integration).ingest.pageClosed.mutate({ visitorId: teamA.visitorId });
      const resumed = await subscribed(as(teamA.agent), { lastEventId: deleted?.id ?? "" });
      expect(await eventually(() => resumed.received.length >= 1)).toBe(true);
      expect(resumed.received.map((r) => [r.change.kind, r.change.conversationId])).toEqual([
        ["presence", teamA.conversationId],
      ]);
      resumed.unsubscribe();
      expect(await eventually(() => stream.subscriberCount() === 0)).toBe(true);
    });
  });

  describe("B6 the change stream: subscribe before the backlog read, once per change", () => {
    const changeOf = (teamId: TeamId, conversationId: string): PanelChange => ({
      teamId,
      conversationId: conversationId as ConversationId,
      customerId: null,
      kind: "status",
      at: new Date(),
    });
    const publish = (change: PanelChange) =>
      Effect.runPromise(makeChangeFeed(database.db).publish(change));

    it("a change committed between LISTEN and the backlog read is in both, and yielded once", async () => {
      const c = await seedLiveTeam(database, "visitor-c");
      // The change commits right after the LISTEN is active, before the backlog is read.
      const racing: Database = {
        ...database,
        listen: async (channel, onPayload) => {
          const unlisten = await database.listen(channel, onPayload);
          await publish(changeOf(c.teamId, c.conversationId));
          return unlisten;
        },
      };
      const own = createChangeStream(racing);
      const controller = new AbortController();
      const changes = own
        .subscribe({
          teamId: c.teamId,
          conversationId: null,
          lastEventId: "0",
          signal: controller.signal,
        })
        [Symbol.asyncIterator]();
      const first = await changes.next();
      await publish({ ...changeOf(c.teamId, c.conversationId), kind: "tags" });
      const second = await changes.next();
      expect([first.value?.change.kind, second.value?.change.kind]).toEqual(["status", "tags"]);
      expect(Number(second.value?.id)).toBeGreaterThan(Number(first.value?.id));
      controller.abort();
      expect((await changes.next()).done).toBe(true);
      expect(own.subscriberCount()).toBe(0);
      await own.close();
    });

    it("malformed notifications on the channel are ignored; close() ends every subscription", async () => {
      const own = createChangeStream(database);
      const changes = own
        .subscribe({
          teamId: teamA.teamId,
          conversationId: null,
          lastEventId: null,
          signal: undefined,
        })
        [Symbol.asyncIterator]();
      const first = changes.next();
      expect(await eventually(() => own.subscriberCount() === 1)).toBe(true);
      for (const junk of [
        "not json",
        "null",
        JSON.stringify({ id: 1, teamId: teamA.teamId, kind: "presence" }),
        JSON.stringify({ ...changeOf(teamA.teamId, teamA.conversationId), id: "1; drop" }),
      ]) {
        await database.db.execute(
          `select pg_notify('${CHANGES_CHANNEL}', '${junk.replaceAll("'", "''")}')`,
        );
      }
      await publish(changeOf(teamA.teamId, teamA.conversationId));
      expect((await first).value?.change).toMatchObject({ kind: "status", teamId: teamA.teamId });
      const pending = changes.next();
      await own.close();
      expect((await pending).done).toBe(true);
      expect(own.subscriberCount()).toBe(0);
    });
  });

  describe("B6 subscriptions end cleanly", () => {
    it("unsubscribing (the client closes the SSE connection) leaves no listener behind", async () => {
      const clients = Array.from({ length: 5 }, () => track(subscribe(as(teamA.agent), {})));
      expect(await eventually(() => stream.subscriberCount() === 5)).toBe(true);
      for (const c of clients) c.unsubscribe();
      expect(await eventually(() => stream.subscriberCount() === 0)).toBe(true);
    });

    it("X2 without a credential the subscription is refused and never registers", async () => {
      const anonymous = track(
        subscribe(createPanelClient({ url: server.url, token: "not-a-token" }), {}),
      );
      expect(await eventually(() => anonymous.errors.length > 0)).toBe(true);
      expect(anonymous.errors[0]).toMatchObject({ data: { code: "UNAUTHORIZED" } });
      expect(stream.subscriberCount()).toBe(0);
      anonymous.unsubscribe();
    });
  });
});
