import type { ConversationId, TeamId } from "@customer-panel/core";
import { eq } from "drizzle-orm";
import { Effect } from "effect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeConversations } from "../src/repositories/conversations.js";
import * as t from "../src/schema.js";
import { type EngineHandle, engines } from "../src/testing/engines.js";
import { seedCustomer, seedTeam } from "../src/testing/seed.js";
import { expectCode, presenceOn, successOf } from "./port-calls.js";

const at = (iso: string) => new Date(iso);

describe.each(engines)("presence on $name", (engine) => {
  let handle: EngineHandle;
  beforeAll(async () => {
    handle = await engine.open();
  });
  afterAll(async () => handle?.dispose());

  describe("L6 presence: closing the page turns offline at once and drops the link", () => {
    it("online keeps the page; offline keeps no url or title", async () => {
      const { db } = await handle.fresh();
      const team = await seedTeam(db);
      const { conversationId } = await seedCustomer(db, team, {
        channel: "webchat",
        externalId: "visitor-1",
      });
      const visit = at("2025-03-01T00:00:00Z");
      const online = successOf(
        await presenceOn(
          db,
          team,
          "visitor-1",
          { type: "page_visit", pageUrl: "https://shop.example/cart", pageTitle: "購物車" },
          visit,
        ),
      );
      expect(online.presence).toEqual({
        online: true,
        pageUrl: "https://shop.example/cart",
        pageTitle: "購物車",
        since: visit,
      });
      const closedAt = at("2025-03-01T00:05:00Z");
      const offline = successOf(
        await presenceOn(db, team, "visitor-1", { type: "page_closed" }, closedAt),
      );
      expect(offline.presence).toEqual({ online: false, since: closedAt });
      const [row] = await db
        .select()
        .from(t.conversations)
        .where(eq(t.conversations.id, conversationId));
      expect(row).toMatchObject({
        presenceOnline: false,
        presencePageUrl: null,
        presencePageTitle: null,
      });
      const got = await Effect.runPromise(
        makeConversations(db).get(team as TeamId, conversationId as ConversationId),
      );
      expect(got?.presence).toEqual({ online: false, since: closedAt });
    });

    it("an unknown visitor, another team's visitor or a non-webchat account is NOT_FOUND", async () => {
      const { db } = await handle.fresh();
      const team = await seedTeam(db);
      const other = await seedTeam(db);
      await seedCustomer(db, other, { channel: "webchat", externalId: "visitor-1" });
      await seedCustomer(db, team, { channel: "line", externalId: "visitor-2" });
      for (const visitor of ["visitor-1", "visitor-2", "nobody"]) {
        const exit = await presenceOn(db, team, visitor, { type: "page_closed" }, new Date());
        expectCode(exit, "NOT_FOUND");
      }
    });
  });
});
