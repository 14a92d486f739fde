import type { Database } from "@customer-panel/db";
import { CHANGES_CHANNEL } from "@customer-panel/db/repositories";
import { sql } from "drizzle-orm";

/**
 * Stores and announces `n` status changes of one conversation in ONE statement, as db's change
 * feed does (`storeAndAnnounce`: insert into `panel_changes`, then `pg_notify` of each new row
 * with its id, in id order). What every listening server hears is what a real write announces.
 */
export const publishChanges = (
  database: Database,
  teamId: string,
  conversationId: string,
  n: number,
) =>
  database.db.execute(sql`
    with c as (
      insert into panel_changes (team_id, conversation_id, customer_id, kind, at)
      select ${teamId}::uuid, ${conversationId}::uuid, null, 'status', now()
      from generate_series(1, ${n}::int) returning id, at
    )
    select pg_notify(${CHANGES_CHANNEL}, json_build_object(
      'id', id, 'teamId', ${teamId}::text, 'conversationId', ${conversationId}::text,
      'customerId', null, 'kind', 'status',
      'at', to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))::text)
    from c order by id`);

/** Publishing ticks a second: `rate / TICKS_PER_SECOND` changes per statement. */
const TICKS_PER_SECOND = 10;

/**
 * Publishes `rate` changes a second for `seconds` (one statement per 100 ms tick) and answers
 * how many it published: exactly `rate × seconds` rounded to whole ticks. A tick that ran late
 * is caught up at once, so a slow database lowers the pace, never the count.
 */
export const publishAtRate = async (
  publish: (n: number) => Promise<unknown>,
  rate: number,
  seconds: number,
): Promise<number> => {
  const ticks = Math.round(seconds * TICKS_PER_SECOND);
  const perTick = Math.max(1, Math.round(rate / TICKS_PER_SECOND));
  const period = 1_000 / TICKS_PER_SECOND;
  let next = performance.now();
  for (let tick = 0; tick < ticks; tick++) {
    await publish(perTick);
    next += period;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - performance.now())));
  }
  return ticks * perTick;
};
