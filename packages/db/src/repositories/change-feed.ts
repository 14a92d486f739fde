import { randomUUID } from "node:crypto";
import type { PanelChange } from "@customer-panel/core";
import type { ChangeFeed, IdSource } from "@customer-panel/core/adapter";
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

/** Changes stored and announced by one statement at most (a bound on its size). */
const MAX_CHANGES_PER_STATEMENT = 500;

type StoredFields = Omit<ChangeNotification, "id">;

/**
 * Appends `changes` to `panel_changes` and announces each, with its new id, in ONE statement:
 * there is no stored change without its notification, nor the reverse. Notifications go out in
 * id order (`row_number` over the new ids follows the insert's `order by ord`).
 */
const storeAndAnnounce = (db: Db, changes: readonly StoredFields[]) =>
  db.execute(sql`
    with input as (
      select x.value as payload, x.ord from jsonb_array_elements(${JSON.stringify(changes)}::jsonb) with ordinality as x(value, ord)
    ),
    c as (
      insert into panel_changes (team_id, conversation_id, customer_id, kind, at)
      select (payload->>'teamId')::uuid, (payload->>'conversationId')::uuid,
        (payload->>'customerId')::uuid, payload->>'kind', (payload->>'at')::timestamptz
      from input order by ord
      returning id
    ),
    numbered as (select id, row_number() over (order by id) as ord from c)
    select pg_notify(${CHANGES_CHANNEL}, (input.payload || jsonb_build_object('id', numbered.id))::text)
    from numbered join input on input.ord = numbered.ord
    order by numbered.id`);

/**
 * B6: a change is appended to `panel_changes` (so a subscriber can resume after the
 * last id it saw) and announced as a PostgreSQL notification carrying that id.
 * Every API process listening on the same database (or the same PGlite) hears it.
 * `deleted` is only announced: the conversation's id must not outlive it in a table.
 *
 * Group commit: a NOTIFY takes a database-wide lock while its transaction commits, so one
 * statement per change would make every concurrent write take turns on it. Instead, changes
 * published while a statement is in flight wait for it and then go together in the next one;
 * `publish` still resolves only once its change is stored and announced. A lone change goes
 * at once — nothing waits on a timer.
 *
 * Best effort: a failure (e.g. the conversation was deleted meanwhile, so the foreign key
 * refuses the row) is dropped, never failing the request that already committed; when a
 * group fails, its changes are tried one by one so one bad change drops only itself.
 */
export const makeChangeFeed = (db: Db): Context.Tag.Service<typeof ChangeFeed> => {
  const waiting: { readonly fields: StoredFields; readonly done: () => void }[] = [];
  let flushing = false;

  const flush = async () => {
    flushing = true;
    try {
      while (waiting.length > 0) {
        const group = waiting.splice(0, MAX_CHANGES_PER_STATEMENT);
        try {
          await storeAndAnnounce(
            db,
            group.map((g) => g.fields),
          );
        } catch {
          for (const one of group) {
            await storeAndAnnounce(db, [one.fields]).catch(() => undefined);
          }
        }
        for (const one of group) one.done();
      }
    } finally {
      flushing = false;
    }
  };

  return {
    publish: (change) => {
      // Named fields only: whatever else a caller's object holds never goes out.
      const fields: StoredFields = {
        teamId: change.teamId,
        conversationId: change.conversationId,
        customerId: change.customerId,
        kind: change.kind,
        at: change.at.toISOString(),
      };
      if (change.kind === "deleted") {
        const payload: ChangeNotification = { ...fields, id: null };
        return Effect.promise(() =>
          db.execute(sql`select pg_notify(${CHANGES_CHANNEL}, ${JSON.stringify(payload)})`),
        ).pipe(
          Effect.asVoid,
          Effect.catchAllDefect(() => Effect.void),
        );
      }
      return Effect.async<void>((resume) => {
        waiting.push({ fields, done: () => resume(Effect.void) });
        if (!flushing) void flush();
      });
    },
  };
};

/** Fresh random UUIDs. */
export const makeIdSource = (): Context.Tag.Service<typeof IdSource> => ({
  uuid: Effect.sync(() => randomUUID()),
});
