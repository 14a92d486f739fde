import { Effect, Layer } from "effect";
import { Navigation } from "../../../src/adapter.js";
import type { ConversationSummary, TeamId } from "../../../src/index.js";
import { customerIn } from "./lookups.js";
import type { InMemoryState } from "./state.js";

// Cursor: the last row's activity (epoch ms) and id, as `ms_id`.
const CURSOR = /^(\d{1,16})_([0-9a-f-]{36})$/;

const summariesOf = (state: InMemoryState, teamId: TeamId) => {
  const rows: { readonly activity: number; readonly summary: ConversationSummary }[] = [];
  for (const c of state.conversations.values()) {
    if (c.teamId !== teamId) continue;
    const customer = customerIn(state, teamId, c.customerId);
    if (customer === undefined) continue;
    // The last message by time, the later arrival winning a tie.
    let last: (typeof state.messages)[number] | undefined;
    for (const m of state.messages) {
      if (m.conversationId === c.id && (last === undefined || m.sentAt >= last.sentAt)) last = m;
    }
    rows.push({
      activity: (last?.sentAt ?? c.createdAt).getTime(),
      summary: {
        conversationId: c.id,
        customerId: c.customerId,
        customerName: customer.displayName,
        channel: c.channel,
        state: c.state,
        active: c.active,
        assigneeId: c.assigneeId,
        lastMessageAt: last?.sentAt ?? null,
        lastMessageSnippet: last === undefined ? null : [...last.content].slice(0, 100).join(""),
      },
    });
  }
  return rows.sort(
    (a, b) =>
      b.activity - a.activity || (b.summary.conversationId < a.summary.conversationId ? -1 : 1),
  );
};

/** Navigation over the in-memory state (N1, N2). */
export const navigationLayer = (state: InMemoryState) =>
  Layer.succeed(Navigation, {
    recentConversations: (teamId, page) =>
      Effect.sync(() => {
        const all = summariesOf(state, teamId);
        let start = 0;
        if (page.cursor !== null) {
          const match = CURSOR.exec(page.cursor);
          if (match === null) return { conversations: [], nextCursor: null };
          const [, ms, id] = match;
          const after = all.findIndex(
            (r) =>
              r.activity < Number(ms) ||
              (r.activity === Number(ms) && r.summary.conversationId < (id ?? "")),
          );
          start = after === -1 ? all.length : after;
        }
        const slice = all.slice(start, start + page.limit);
        const last = slice[slice.length - 1];
        const more = start + page.limit < all.length;
        return {
          conversations: slice.map((r) => r.summary),
          nextCursor:
            more && last !== undefined ? `${last.activity}_${last.summary.conversationId}` : null,
        };
      }),
    members: (teamId) =>
      Effect.sync(() =>
        [...state.members.values()]
          .filter((m) => m.teamId === teamId)
          .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : 1)),
      ),
  });
