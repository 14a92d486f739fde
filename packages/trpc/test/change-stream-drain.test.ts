import type { ConversationId, TeamId } from "@customer-panel/core";
import { ServerShuttingDown } from "@customer-panel/core";
import type { Database } from "@customer-panel/db";
import { type EngineHandle, engines, seedCustomer, seedTeam } from "@customer-panel/db/testing";
import { Effect } from "effect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeChangeFeed } from "../../db/src/repositories/change-feed.js";
import { createChangeStream } from "../src/change-stream.js";
import { eventually } from "./fixtures/live-client.js";

/**
 * Issue 17 graceful shutdown: draining the change stream ends every open subscription with
 * SERVER_SHUTTING_DOWN carrying the last event id delivered (so a client resumes elsewhere
 * without loss) and refuses new ones; `connected` reports the LISTEN for readiness.
 */
describe.each(engines)("draining the change stream on $name", (engine) => {
  let handle: EngineHandle;
  let database: Database;

  beforeAll(async () => {
    handle = await engine.open();
    database = await handle.fresh();
  });
  afterAll(async () => handle?.dispose());

  it("ends open subscriptions with SERVER_SHUTTING_DOWN and the last event id, refuses new ones", async () => {
    const teamId = (await seedTeam(database.db)) as TeamId;
    const { conversationId } = await seedCustomer(database.db, teamId);
    const stream = createChangeStream(database);
    try {
      expect(stream.connected()).toBe(false);
      stream.listen();
      expect(await eventually(() => stream.connected())).toBe(true);
      const subscription = stream
        .subscribe({ teamId, conversationId: null, lastEventId: null, signal: undefined })
        [Symbol.asyncIterator]();
      const first = subscription.next();
      expect(await eventually(() => stream.subscriberCount() === 1)).toBe(true);
      await Effect.runPromise(
        makeChangeFeed(database.db).publish({
          teamId,
          conversationId: conversationId as ConversationId,
          customerId: null,
          kind: "status",
          at: new Date(),
        }),
      );
      const delivered = await first;
      const id = delivered.done ? null : delivered.value.id;
      expect(id).not.toBeNull();

      stream.drain();
      const ending = await subscription.next().then(
        () => null,
        (error: unknown) => error,
      );
      expect(ending).toBeInstanceOf(ServerShuttingDown);
      expect((ending as ServerShuttingDown).lastEventId).toBe(id);

      const late = stream
        .subscribe({ teamId, conversationId: null, lastEventId: "7", signal: undefined })
        [Symbol.asyncIterator]();
      const refused = await late.next().then(
        () => null,
        (error: unknown) => error,
      );
      expect(refused).toEqual(ServerShuttingDown.of("7"));
    } finally {
      await stream.close();
    }
    expect(stream.connected()).toBe(false);
  });
});
