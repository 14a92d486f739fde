import type { ConversationId, CustomerId, IdentityId, MemberId, MessageId, TeamId } from "./ids.js";
import type { Conversation, Member, Profile } from "./model.js";
import type { Channel, SenderType } from "./vocabulary.js";

/** An inbound or outbound message as an integration delivers it. */
export interface IncomingMessage {
  readonly teamId: TeamId;
  readonly channel: Channel;
  readonly externalUserId: string;
  readonly sender: SenderType;
  readonly content: string;
  readonly sentAt: Date;
  readonly agent: Pick<Member, "id" | "name"> | null;
  /** Profile for a customer created by this message. */
  readonly newCustomer: Pick<Profile, "displayName" | "phone">;
  readonly waId: string | null;
  readonly businessScopedId: string | null;
  /**
   * The channel's own message id and what it stands for: a message stored with this id in the
   * sender's conversation is answered again instead of stored twice; a different message with
   * it is IdempotencyKeyReused. Absent or null: no idempotency.
   */
  readonly idempotency?: { readonly key: string; readonly fingerprint: string } | null;
}

/** Where an ingested message landed. */
export interface IngestedMessage {
  readonly messageId: MessageId;
  readonly conversationId: ConversationId;
  readonly customerId: CustomerId;
  readonly createdConversation: boolean;
  /** True when this answers a retry of a message already stored (its first answer). */
  readonly replayed: boolean;
}

/** What `Ingestion.lockSender` found or created for a message's sender. */
export interface LockedSender {
  readonly identityId: IdentityId;
  readonly customerId: CustomerId;
  /** The sender's conversation, locked until the transaction ends; null before its first message. */
  readonly conversation: {
    readonly id: ConversationId;
    readonly active: boolean;
    readonly state: Conversation["state"];
    readonly assigneeId: MemberId | null;
  } | null;
}
