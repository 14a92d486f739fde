import type { MemberId } from "./ids.js";
import type { Conversation, ConversationEventKind, Presence } from "./model.js";
import type { ConversationState } from "./vocabulary.js";

/**
 * The changes a conversation decision asks for, with the log entries to append.
 * An absent field is unchanged; `assigneeId: null` unassigns.
 */
export interface ConversationUpdate {
  readonly state?: ConversationState;
  readonly assigneeId?: MemberId | null;
  readonly active?: boolean;
  readonly presence?: Presence;
  readonly lastExportedAt?: Date;
  readonly events: readonly ConversationEventKind[];
}

/** The conversation as it is once `update` is written: only the fields it names change. */
export const withUpdate = (
  conversation: Conversation,
  update: ConversationUpdate,
): Conversation => {
  const { events: _events, ...fields } = update;
  const named = Object.entries(fields).filter(([, value]) => value !== undefined);
  return { ...conversation, ...(Object.fromEntries(named) as Partial<Conversation>) };
};
