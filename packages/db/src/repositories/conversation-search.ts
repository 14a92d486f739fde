import type { Channel, ConversationId, CustomerId, SearchHit } from "@customer-panel/core";
import { sql } from "drizzle-orm";
import type { Db } from "../database.js";
import { rowsOf } from "../transaction.js";
import { escapeLike } from "./like-pattern.js";

interface SearchRow {
  readonly conversation_id: string;
  readonly customer_id: string;
  readonly display_name: string;
  readonly channel: string;
  readonly snippet: string | null;
}

// One statement: name hits and message hits, joined back to one row per conversation.
const searchStatement = (teamId: string, query: string, limit: number) => {
  const pattern = `%${escapeLike(query)}%`;
  return sql`
    with name_hits as (
      select c.id as conversation_id
      from customers cu
      join conversations c on c.team_id = cu.team_id and c.customer_id = cu.id
      where cu.team_id = ${teamId} and cu.display_name ilike ${pattern} escape '\\'
    ),
    message_hits as (
      select distinct on (m.conversation_id) m.conversation_id, m.content
      from messages m
      where m.team_id = ${teamId} and m.content ilike ${pattern} escape '\\'
      order by m.conversation_id, m.sent_at desc, m.id desc
    )
    select c.id as conversation_id, c.customer_id, cu.display_name, c.channel,
      -- SearchHit (core/src/domain/conversation-records.ts): the snippet is null when the name matched.
      case when n.conversation_id is null then mh.content end as snippet
    from conversations c
    join customers cu on cu.team_id = c.team_id and cu.id = c.customer_id
    left join name_hits n on n.conversation_id = c.id
    left join message_hits mh on mh.conversation_id = c.id
    where c.team_id = ${teamId}
      and (n.conversation_id is not null or mh.conversation_id is not null)
    order by coalesce(c.last_message_at, c.created_at) desc, c.id
    limit ${limit}
  `;
};

/**
 * L9: the team's conversations whose customer name or any message contains `query`,
 * case-insensitively, one hit per conversation, most recently active first.
 * Each side is its own ILIKE so the trigram GIN indexes on `customers.display_name`
 * and `messages.content` serve queries of 3+ characters; shorter ones still match by
 * scan. A deleted conversation's rows are gone, so it can not be found (B5).
 */
export const searchConversations = async (
  db: Db,
  teamId: string,
  query: string,
  limit: number,
): Promise<SearchHit[]> => {
  // An empty needle would match everything; core never sends one, so answer nothing.
  if (query.length === 0 || limit <= 0) return [];
  const rows = await rowsOf<SearchRow>(db, searchStatement(teamId, query, limit));
  return rows.map((row) => ({
    conversationId: row.conversation_id as ConversationId,
    customerId: row.customer_id as CustomerId,
    customerName: row.display_name,
    channel: row.channel as Channel,
    snippet: row.snippet,
  }));
};
