import { randomUUID } from "node:crypto";
import type { ChangeFeed, IdSource, PanelChange } from "@customer-panel/core";
import { sql } from "drizzle-orm";
import { type Context, Effect } from "effect";
import { CHANGES_CHANNEL, type Db } from "../database.js";

/** The JSON a change notification carries (ids and kind only — never content). */
export interface ChangeNotification {
  /** The `panel_changes` id to resume after; null for `deleted`, which is never stored (B5). */
  readonly id: number | null;
  readonly teamId: string;
  readonly conversationId: string | null;
  readonly customerId: string | null;
  readonly kind: PanelChange["kind"];
  readonly at: string;
}

/**
 * B6: a change is appended to `panel_changes` (so a subscriber can resume after the
 * last id it saw) and announced as a PostgreSQL notification carrying that id, in ONE
 * statement: there is no stored change without its notification, nor the reverse.
 * Every API process listening on the same database (or the same PGlite) hears it.
 * `deleted` is only announced: the conversation's id must not outlive it in a table.
 * Best effort: a failure (e.g. the conversation was deleted meanwhile, so the foreign
 * key refuses the row) is dropped, never failing the request that already committed.
 */
export const makeChangeFeed = (db: Db): Context.Tag.Service<typeof ChangeFeed> => ({
  publish: (change) =>
    Effect.promise(async () => {
      // Named fields only: whatever else a caller's object holds never goes out.
      const fields: Omit<ChangeNotification, "id"> = {
        teamId: change.teamId,
        conversationId: change.conversationId,
        customerId: change.customerId,
        kind: change.kind,
        at: change.at.toISOString(),
      };
      if (change.kind === "deleted") {
        const payload: ChangeNotification = { ...fields, id: null };
        await db.execute(sql`select pg_notify(${CHANGES_CHANNEL}, ${JSON.stringify(payload)})`);
        return;
      }
      // The id is known only after the insert, so the database merges it into the JSON.
      await db.execute(sql`
        with c as (
          insert into panel_changes (team_id, conversation_id, customer_id, kind, at)
          values (${fields.teamId}, ${fields.conversationId}, ${fields.customerId}, ${fields.kind}, ${fields.at}::timestamptz)
          returning id
        )
        select pg_notify(${CHANGES_CHANNEL}, (${JSON.stringify(fields)}::jsonb || jsonb_build_object('id', c.id))::text)
        from c`);
    }).pipe(Effect.catchAllDefect(() => Effect.void)),
});

/** Fresh random UUIDs. */
export const makeIdSource = (): Context.Tag.Service<typeof IdSource> => ({
  uuid: Effect.sync(() => randomUUID()),
});
