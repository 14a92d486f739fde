import type {
  Channel,
  ConversationId,
  ConversationState,
  ConversationSummary,
  CustomerId,
  MemberId,
  Role,
  TeamId,
} from "@customer-panel/core";
import type { Navigation } from "@customer-panel/core/adapter";
import { asc, eq, sql } from "drizzle-orm";
import type { Context } from "effect";
import type { Db } from "../database.js";
import { members } from "../schema.js";
import { query, rowsOf } from "../transaction.js";

interface SummaryRow {
  readonly conversation_id: string;
  readonly customer_id: string;
  readonly display_name: string;
  readonly channel: string;
  readonly state: string;
  readonly active: boolean;
  readonly assignee_id: string | null;
  readonly last_message_at: Date | string | null;
  readonly snippet: string | null;
  /** Activity in epoch microseconds, as text (a bigint). */
  readonly activity_us: string;
}

// N1 cursor: the last row's activity (epoch microseconds: created_at keeps them) and id.
const CURSOR = /^(\d{1,18})_([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

// Activity is the last message's time (kept by ingestion), else the creation time; the
// last message itself is one index probe per listed row (messages_conversation_sent_seq_idx).
const pageStatement = (
  teamId: string,
  after: { readonly us: string; readonly id: string } | null,
  limit: number,
) => sql`
  with listed as (
    select c.*, (extract(epoch from coalesce(c.last_message_at, c.created_at)) * 1000000)::bigint
      as activity_us
    from conversations c
    where c.team_id = ${teamId}
  )
  select l.id as conversation_id, l.customer_id, cu.display_name, l.channel, l.state, l.active,
    l.assignee_id, l.last_message_at, l.activity_us::text as activity_us,
    left(lm.content, 100) as snippet
  from listed l
  join customers cu on cu.team_id = l.team_id and cu.id = l.customer_id
  left join lateral (
    select m.content from messages m
    where m.conversation_id = l.id
    order by m.sent_at desc, m.seq desc
    limit 1
  ) lm on true
  where ${after === null ? sql`true` : sql`(l.activity_us, l.id) < (${after.us}::bigint, ${after.id}::uuid)`}
  order by l.activity_us desc, l.id desc
  limit ${limit + 1}
`;

const summaryOf = (row: SummaryRow): ConversationSummary => ({
  conversationId: row.conversation_id as ConversationId,
  customerId: row.customer_id as CustomerId,
  customerName: row.display_name,
  channel: row.channel as Channel,
  state: row.state as ConversationState,
  active: row.active,
  assigneeId: row.assignee_id as MemberId | null,
  lastMessageAt: row.last_message_at === null ? null : new Date(row.last_message_at),
  lastMessageSnippet: row.snippet,
});

/** N1, N2: what a UI needs to move around a team, always scoped to the team. */
export const makeNavigation = (db: Db): Context.Tag.Service<typeof Navigation> => ({
  recentConversations: (teamId, page) =>
    query(async () => {
      let after: { us: string; id: string } | null = null;
      if (page.cursor !== null) {
        const match = CURSOR.exec(page.cursor);
        // A cursor this repository never issued answers an empty page (core/src/ports/navigation.ts).
        if (match === null) return { conversations: [], nextCursor: null };
        after = { us: match[1] ?? "", id: match[2] ?? "" };
      }
      const rows = await rowsOf<SummaryRow>(db, pageStatement(teamId, after, page.limit));
      const shown = rows.slice(0, page.limit);
      const last = shown[shown.length - 1];
      return {
        conversations: shown.map(summaryOf),
        nextCursor:
          rows.length > page.limit && last !== undefined
            ? `${last.activity_us}_${last.conversation_id}`
            : null,
      };
    }),
  members: (teamId) =>
    query(async () => {
      const rows = await db
        .select({ id: members.id, teamId: members.teamId, name: members.name, role: members.role })
        .from(members)
        .where(eq(members.teamId, teamId))
        .orderBy(asc(members.name), asc(members.id));
      return rows.map((row) => ({
        id: row.id as MemberId,
        teamId: row.teamId as TeamId,
        name: row.name,
        role: row.role as Role,
      }));
    }),
});
