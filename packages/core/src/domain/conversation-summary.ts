import type { ConversationId, CustomerId, MemberId } from "./ids.js";
import type { Channel, ConversationState } from "./vocabulary.js";

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
