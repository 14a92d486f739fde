import type { Role } from "@customer-panel/core";
import { removeMember, setMemberRole } from "@customer-panel/db/repositories";
import { type EngineHandle, engines, seedMember } from "@customer-panel/db/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { issueCredential, revokeCredential } from "../../src/auth.js";
import { type ClosableChangeStream, createChangeStream } from "../../src/change-stream.js";
import { eventually, type Subscriber, subscribe } from "../fixtures/live-client.js";
import { seedWorld, startTestServer, type TestServer, type World } from "../harness.js";

/**
 * Issue 14 B: an open SSE stream is re-authorised. Within a bounded time after its
 * credential is revoked, its member removed, or its role changed to one without
 * `panel.view`, it ends with a final error event that says why — and gets nothing after.
 * A role change that keeps `panel.view` keeps the stream.
 */

/** The tRPC error a subscription ended with, as a client sees it. */
const endingOf = (subscriber: Subscriber) => {
  const error = subscriber.errors[0] as
    | { message?: string; data?: { code?: string; domainCode?: string | null } }
    | undefined;
  return error === undefined
    ? null
    : { code: error.data?.code, domainCode: error.data?.domainCode, message: error.message };
};

describe.each(engines)("issue 14 B open streams end when access ends, on $name", (engine) => {
  let handle: EngineHandle;
  let stream: ClosableChangeStream;
  let server: TestServer;
  let world: World;
  const opened: Subscriber[] = [];

  beforeAll(async () => {
    handle = await engine.open();
    const database = await handle.fresh();
    stream = createChangeStream(database);
    server = await startTestServer(database, { changes: stream });
    world = await seedWorld(server);
  });

  afterEach(async () => {
    for (const s of opened.splice(0)) s.unsubscribe();
    await eventually(() => stream.subscriberCount() === 0);
  });

  afterAll(async () => {
    await stream?.close();
    await server?.close();
    await handle?.dispose();
  });

  /** A new member of team A with a web token of its own. */
  const newMember = async (role: Role) => {
    const { db } = server.database;
    const memberId = await seedMember(db, world.teamA.id, role, `${role} 新人`);
    const credential = await issueCredential(db, {
      teamId: world.teamA.id,
      kind: "member",
      memberId,
      client: "web",
    });
    return { memberId, credentialId: credential.id, secret: credential.secret };
  };

  /** Subscribes with a secret and waits until the stream is live. */
  const open = async (secret: string) => {
    const before = stream.subscriberCount();
    const subscriber = subscribe(server.client(secret), {});
    opened.push(subscriber);
    expect(await eventually(() => stream.subscriberCount() > before)).toBe(true);
    return subscriber;
  };

  let visits = 0;
  /** Ingests a page visit of team A's webchat visitor: one change for team A. */
  const touch = async () => {
    visits += 1;
    await server.client(world.teamA.integration.secret).ingest.pageVisit.mutate({
      visitorId: world.teamA.conversations.webchat.externalUserId,
      pageUrl: `https://shop.example/${visits}`,
    });
  };

  /** Both streams hear a change; then access ends; the doomed one ends; a later change reaches only the witness. */
  const endsWith = async (
    end: (member: Awaited<ReturnType<typeof newMember>>) => Promise<void>,
  ) => {
    const member = await newMember("cs_agent");
    const doomed = await open(member.secret);
    const witness = await open(world.teamA.members.admin.secret);
    await touch();
    expect(await doomed.next(() => true)).not.toBeNull();
    expect(await witness.next(() => true)).not.toBeNull();

    await end(member);
    // Re-authorisation runs every ~2 s: a generous bound, never a timing assertion.
    expect(await eventually(() => doomed.errors.length > 0, 15_000)).toBe(true);
    const heard = doomed.received.length;
    await touch();
    const since = witness.received.length;
    await touch();
    expect(await witness.next(() => true, { since })).not.toBeNull();
    expect(doomed.received).toHaveLength(heard);
    expect(witness.errors).toEqual([]);
    return endingOf(doomed);
  };

  it("revoking the credential ends the stream with CREDENTIAL_REVOKED", async () => {
    const ending = await endsWith(async (m) => {
      expect(await revokeCredential(server.database.db, m.credentialId)).toBe(true);
    });
    expect(ending).toMatchObject({ code: "UNAUTHORIZED", domainCode: "CREDENTIAL_REVOKED" });
    expect(ending?.message).toMatch(/revoked/);
  });

  it("removing the member ends the stream with MEMBER_REMOVED", async () => {
    const ending = await endsWith((m) =>
      removeMember(server.database.db, world.teamA.id, m.memberId),
    );
    expect(ending).toMatchObject({ code: "UNAUTHORIZED", domainCode: "MEMBER_REMOVED" });
    expect(ending?.message).toMatch(/removed/);
  });

  it("a role change that keeps panel.view keeps the stream (it hears changes after the next re-check)", async () => {
    const member = await newMember("cs_agent");
    const kept = await open(member.secret);
    await setMemberRole(server.database.db, world.teamA.id, member.memberId, "sales");
    // A stream whose access ends in the same window is the yardstick: once it has ended,
    // a re-check has run since the role change.
    const yardstick = await newMember("cs_agent");
    const ended = await open(yardstick.secret);
    await revokeCredential(server.database.db, yardstick.credentialId);
    expect(await eventually(() => ended.errors.length > 0, 15_000)).toBe(true);
    await touch();
    expect(await kept.next(() => true)).not.toBeNull();
    expect(kept.errors).toEqual([]);
  });
});
