import type { Author } from "./author.js";
import type { ConversationId, CustomerId } from "./ids.js";
import type { Channel } from "./vocabulary.js";

/** A search hit (L9): what deletion must remove. */
export interface SearchHit {
  readonly conversationId: ConversationId;
  readonly customerId: CustomerId;
  readonly customerName: string;
  readonly channel: Channel;
  /** The matching message text, or null when the name matched. */
  readonly snippet: string | null;
}

/** What a deletion erased (B5): counts only, never content. */
export interface DeletionReceipt {
  readonly conversationId: ConversationId;
  readonly deletedAt: Date;
  readonly deletedBy: Author;
  readonly messages: number;
  readonly events: number;
  readonly pendingExports: number;
  /** True when the conversation had already been deleted; this answers the first receipt. */
  readonly alreadyDeleted: boolean;
}
