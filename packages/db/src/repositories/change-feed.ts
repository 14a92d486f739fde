import { randomUUID } from "node:crypto";
import type { ChangeFeed, IdSource, PanelChange } from "@customer-panel/core";
import { sql } from "drizzle-orm";
import { type Context, Effect } from "effect";
import { CHANGES_CHANNEL, type Db } from "../database.js";

/** The JSON a change notification carries (ids and kind only — never content). */
export interface ChangeNotification {
  readonly teamId: string;
  readonly conversationId: string | null;
  readonly customerId: string | null;
  readonly kind: PanelChange["kind"];
  readonly at: string;
}

/**
 * B6: changes go out as PostgreSQL notifications, so every API process listening
 * on the same database (or the same PGlite) hears them. Best effort: a failed
 * notify is logged away, never failing the request that already committed.
 */
export const makeChangeFeed = (db: Db): Context.Tag.Service<typeof ChangeFeed> => ({
  publish: (change) =>
    Effect.promise(async () => {
      const payload: ChangeNotification = { ...change, at: change.at.toISOString() };
      await db.execute(sql`select pg_notify(${CHANGES_CHANNEL}, ${JSON.stringify(payload)})`);
    }).pipe(Effect.catchAllDefect(() => Effect.void)),
});

/** Fresh random UUIDs. */
export const makeIdSource = (): Context.Tag.Service<typeof IdSource> => ({
  uuid: Effect.sync(() => randomUUID()),
});
