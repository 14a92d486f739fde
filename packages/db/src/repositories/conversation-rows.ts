import { randomUUID } from "node:crypto";
import type {
  Author,
  ConversationEvent,
  ConversationEventKind,
  ConversationId,
  ConversationState,
  EventId,
  MemberId,
  Presence,
} from "@customer-panel/core";
import type { conversationEvents } from "../schema.js";

/**
 * The conversation columns this package writes from domain values — presence (L6) and
 * log entries (E1) — and the log rows read back as core's event union. Reading whole
 * conversations and identities is `rows.ts`.
 */

/** A selected `conversation_events` row. */
export type ConversationEventRow = typeof conversationEvents.$inferSelect;

/** L6: the presence columns to write; offline clears the page so no stale link survives. */
export const presenceColumns = (presence: Presence) =>
  presence.online
    ? {
        presenceOnline: true,
        presencePageUrl: presence.pageUrl,
        presencePageTitle: presence.pageTitle,
        presenceSince: presence.since,
      }
    : {
        presenceOnline: false,
        presencePageUrl: null,
        presencePageTitle: null,
        presenceSince: presence.since,
      };

/** E1: the rows to append for log entries, in order, with who and when. */
export const eventRows = (
  teamId: string,
  conversationId: string,
  kinds: readonly ConversationEventKind[],
  log: { readonly author: Author; readonly at: Date },
): (typeof conversationEvents.$inferInsert)[] =>
  kinds.map(({ type, ...detail }) => ({
    id: randomUUID(),
    teamId,
    conversationId,
    type,
    detail,
    memberId: log.author.memberId,
    memberName: log.author.memberName,
    at: log.at,
  }));

const kindOf = (type: string, detail: Record<string, unknown>): ConversationEventKind => {
  switch (type) {
    case "state_changed":
      return {
        type,
        from: (detail.from ?? null) as ConversationState | null,
        to: detail.to as ConversationState,
      };
    case "assigned":
      return {
        type,
        assigneeId: detail.assigneeId as MemberId,
        assigneeName: String(detail.assigneeName ?? ""),
      };
    case "exported":
      return {
        type,
        format: detail.format === "email" || detail.format === "xlsx" ? detail.format : "csv",
      };
    case "blocked":
    case "unblocked":
    case "omo_unbound":
      return { type };
    default:
      // Only this package writes the log; an unknown type is corruption, not input.
      throw new Error(`Unknown conversation event type: ${type}`);
  }
};

/** A `conversation_events` row as core's ConversationEvent (the union rebuilt from `detail`). */
export const toConversationEvent = (row: ConversationEventRow): ConversationEvent => ({
  ...kindOf(row.type, (row.detail ?? {}) as Record<string, unknown>),
  id: row.id as EventId,
  conversationId: row.conversationId as ConversationId,
  at: row.at,
  memberId: row.memberId as MemberId | null,
  memberName: row.memberName,
});
