import type { ConversationId, TagId } from "./ids.js";
import type {
  Cart,
  Conversation,
  Customer,
  Identity,
  Member,
  OmoBinding,
  Order,
  Team,
} from "./model.js";
import type { Channel } from "./vocabulary.js";

/** Another conversation of the same person, reached through identity binding (L1). */
export interface BoundConversation {
  readonly conversationId: ConversationId;
  readonly channel: Channel;
  readonly websiteMemberId: string | null;
  readonly lastMessageAt: Date | null;
}

/** Everything `panel.get` shows, read in one go (db: at most 3 round trips). */
export interface PanelSnapshot {
  readonly team: Team;
  readonly conversation: Conversation;
  readonly identity: Identity;
  readonly customer: Customer;
  /** All identities of the customer, oldest first (P3 takes the first WhatsApp one). */
  readonly identities: readonly Identity[];
  readonly assignee: Pick<Member, "id" | "name"> | null;
  /** Conversations of identities bound to the same website member (L1 candidates). */
  readonly boundConversations: readonly BoundConversation[];
  /** Tags on the customer with their counts (T4, T5). */
  readonly tags: readonly {
    readonly tagId: TagId;
    readonly name: string;
    readonly count: number;
  }[];
  /** Orders of the customer's website member accounts placed since the given time (L2). */
  readonly orders: readonly Order[];
  readonly cart: Cart | null;
  readonly omoBinding: OmoBinding | null;
  /** P5 for the member reading. */
  readonly panelHidden: boolean;
}
