import { Context, type Effect } from "effect";
import type { ConversationId, CustomerId, MemberId, TeamId } from "../domain/ids.js";
import type { Member } from "../domain/model.js";
import type { Channel, ConversationState } from "../domain/vocabulary.js";

/** One line of the team's conversation list (N1): enough to pick a conversation. */
export interface ConversationSummary {
  readonly conversationId: ConversationId;
  readonly customerId: CustomerId;
  readonly customerName: string;
  readonly channel: Channel;
  readonly state: ConversationState;
  /** L5: false when the customer is blocked. */
  readonly active: boolean;
  readonly assigneeId: MemberId | null;
  /** The last message's time; null before the first message. */
  readonly lastMessageAt: Date | null;
  /** The start of the last message (at most 100 characters); null before the first message. */
  readonly lastMessageSnippet: string | null;
}

/** One page of the conversation list; `nextCursor` null on the last page. */
export interface ConversationPage {
  readonly conversations: readonly ConversationSummary[];
  readonly nextCursor: string | null;
}

/**
 * What a UI needs to move around a team (N1, N2): its recent conversations and its members.
 * Every read is scoped to the team; another team's rows never appear.
 */
export class Navigation extends Context.Tag("customer-panel/Navigation")<
  Navigation,
  {
    /**
     * N1: the team's conversations, most recent activity (last message, else creation) first,
     * ties by id; `cursor` is the `nextCursor` of the previous page. A cursor the adapter never
     * issued answers an empty page.
     */
    readonly recentConversations: (
      teamId: TeamId,
      page: { readonly cursor: string | null; readonly limit: number },
    ) => Effect.Effect<ConversationPage>;
    /** N2: the team's members, by name then id. */
    readonly members: (teamId: TeamId) => Effect.Effect<readonly Member[]>;
  }
>() {}
