import { Effect, Layer } from "effect";
import { Conversations, type TranscriptMessage } from "../../../src/adapter.js";
import { withUpdate } from "../../../src/domain/conversation-update.js";
import {
  type Author,
  type ConversationEventKind,
  type ConversationId,
  type DeletionReceipt,
  type EventId,
  NotFound,
  type SearchHit,
  type TeamId,
} from "../../../src/index.js";
import { conversationIn, customerIn } from "./lookups.js";
import { authorColumns, type InMemoryState, key } from "./state.js";

/** Appends log entries to a conversation (E1), in order, with the author and time given. */
export const appendEvents = (
  state: InMemoryState,
  nextId: () => string,
  conversationId: ConversationId,
  kinds: readonly ConversationEventKind[],
  log: { readonly author: Author; readonly at: Date },
): void => {
  for (const kind of kinds) {
    state.events.push({
      ...kind,
      id: nextId() as EventId,
      conversationId,
      at: log.at,
      ...authorColumns(log.author),
      seq: ++state.sequence.events,
    });
  }
};

// Cursor: the sequence number of the last entry of the previous page.
const pageOfEvents = (
  state: InMemoryState,
  conversationId: ConversationId,
  page: { readonly cursor: string | null; readonly limit: number },
) => {
  const after = page.cursor === null ? Number.POSITIVE_INFINITY : Number(page.cursor);
  const newestFirst = state.events
    .filter((e) => e.conversationId === conversationId)
    .sort((a, b) => b.at.getTime() - a.at.getTime() || b.seq - a.seq);
  const start =
    page.cursor === null || !Number.isFinite(after)
      ? 0
      : newestFirst.findIndex((e) => e.seq === after) + 1;
  const slice = newestFirst.slice(start, start + page.limit);
  const last = slice[slice.length - 1];
  const more = start + page.limit < newestFirst.length;
  return {
    events: slice.map(({ seq: _seq, ...event }) => event),
    nextCursor: more && last !== undefined ? String(last.seq) : null,
  };
};

async function* transcriptOf(
  state: InMemoryState,
  teamId: TeamId,
  conversationId: ConversationId,
): AsyncGenerator<readonly TranscriptMessage[]> {
  if (conversationIn(state, teamId, conversationId) === undefined) return;
  const messages = state.messages
    .map((m, index) => ({ m, index }))
    .filter(({ m }) => m.teamId === teamId && m.conversationId === conversationId)
    .sort((x, y) => x.m.sentAt.getTime() - y.m.sentAt.getTime() || x.index - y.index);
  for (const { m } of messages) {
    // One message a batch: the smallest batches a port may send.
    yield [{ sentAt: m.sentAt, sender: m.sender, agentName: m.agentName, content: m.content }];
  }
}

const searchIn = (
  state: InMemoryState,
  teamId: TeamId,
  query: string,
  limit: number,
): SearchHit[] => {
  const needle = query.toLowerCase();
  const hits: SearchHit[] = [];
  const newestFirst = [...state.conversations.values()]
    .filter((c) => c.teamId === teamId)
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
  for (const c of newestFirst) {
    if (hits.length >= limit) break;
    const customer = customerIn(state, teamId, c.customerId);
    if (customer === undefined) continue;
    const byName = customer.displayName.toLowerCase().includes(needle);
    const message = byName
      ? undefined
      : state.messages.find(
          (m) => m.conversationId === c.id && m.content.toLowerCase().includes(needle),
        );
    if (!byName && message === undefined) continue;
    hits.push({
      conversationId: c.id,
      customerId: customer.id,
      customerName: customer.displayName,
      channel: c.channel,
      snippet: message?.content ?? null,
    });
  }
  return hits;
};

/** B5: erases the conversation's content and leaves a tombstone with counts only. */
const deleteIn = (
  state: InMemoryState,
  teamId: TeamId,
  conversationId: ConversationId,
  by: { readonly author: Author; readonly at: Date },
): DeletionReceipt | null => {
  const tombstone = state.tombstones.get(key(teamId, conversationId));
  if (tombstone !== undefined) return { ...tombstone.receipt, alreadyDeleted: true };
  const conversation = conversationIn(state, teamId, conversationId);
  if (conversation === undefined) return null;
  const erase = <T>(list: T[], doomed: (item: T) => boolean): number => {
    const kept = list.filter((item) => !doomed(item));
    const erased = list.length - kept.length;
    list.splice(0, list.length, ...kept);
    return erased;
  };
  const messages = erase(state.messages, (m) => m.conversationId === conversationId);
  const events = erase(state.events, (e) => e.conversationId === conversationId);
  const pendingExports = erase(state.outbox, (j) => j.conversationId === conversationId);
  state.conversations.delete(conversationId);
  // Applications stay for reports (T5, L9) but no longer point at the erased conversation.
  state.applications.forEach((a, index) => {
    if (a.conversationId === conversationId) {
      state.applications[index] = { ...a, conversationId: null };
    }
  });
  const receipt: DeletionReceipt = {
    conversationId,
    deletedAt: by.at,
    deletedBy: by.author,
    messages,
    events,
    pendingExports,
    alreadyDeleted: false,
  };
  state.tombstones.set(key(teamId, conversationId), { teamId, receipt });
  return receipt;
};

/** Conversations over the in-memory state. */
export const conversationsLayer = (state: InMemoryState, nextId: () => string) =>
  Layer.succeed(Conversations, {
    get: (teamId, conversationId) =>
      Effect.sync(() => conversationIn(state, teamId, conversationId) ?? null),
    lockConversation: (teamId, conversationId) =>
      Effect.suspend(() => {
        const conversation = conversationIn(state, teamId, conversationId);
        return conversation === undefined
          ? Effect.fail(NotFound.of("conversation"))
          : Effect.succeed(conversation);
      }),
    recordUpdate: (teamId, conversationId, update, log) =>
      Effect.sync(() => {
        const conversation = conversationIn(state, teamId, conversationId);
        if (conversation === undefined) throw new Error("recordUpdate without lockConversation");
        state.conversations.set(conversation.id, withUpdate(conversation, update));
        appendEvents(state, nextId, conversation.id, update.events, log);
      }),
    events: (teamId, conversationId, page) =>
      Effect.sync(() =>
        conversationIn(state, teamId, conversationId) === undefined
          ? null
          : pageOfEvents(state, conversationId, page),
      ),
    transcript: (teamId, conversationId) => transcriptOf(state, teamId, conversationId),
    search: (teamId, query, limit) => Effect.sync(() => searchIn(state, teamId, query, limit)),
    delete: (teamId, conversationId, by) =>
      Effect.sync(() => deleteIn(state, teamId, conversationId, by)),
  });
