import { Context, type Effect } from "effect";
import type { NotFound } from "../domain/errors.js";
import type { ConversationId, MessageId, TeamId } from "../domain/ids.js";
import type { IncomingMessage, IngestedMessage, LockedSender } from "../domain/incoming-message.js";
import type { Conversation, Identity, OmoBinding, Order, OrderItem } from "../domain/model.js";
import type { RememberedAnswer } from "../domain/remembered-answer.js";
import type { StateDecision } from "../domain/state-decision.js";
import type { Channel } from "../domain/vocabulary.js";

/**
 * Everything integrations push in. For a message or a presence the use case decides; these
 * methods lock and read, or write what was decided, inside `Transactions.withTransaction`.
 */
export class Ingestion extends Context.Tag("customer-panel/Ingestion")<
  Ingestion,
  {
    /**
     * Finds or creates the sender's customer and identity (once, even under concurrency: the
     * sender's lock comes first) and locks the sender's conversation. A `waId` or business-scoped
     * id first known now is stored on the identity (P3).
     */
    readonly lockSender: (message: IncomingMessage) => Effect.Effect<LockedSender>;
    /**
     * The answer first given to a message stored with this channel message id in the
     * conversation, with its fingerprint; null when none is. Call it under `lockSender`'s lock,
     * so retries take turns and the second finds what the first stored.
     */
    readonly rememberedMessage: (
      teamId: TeamId,
      conversationId: ConversationId,
      key: string,
    ) => Effect.Effect<RememberedAnswer<IngestedMessage> | null>;
    /**
     * Stores the message with the decided state (L5/E2): creates the sender's conversation
     * when it has none, else updates it; appends the decision's log entries, and remembers the
     * message's idempotency key with it.
     */
    readonly recordMessage: (
      message: IncomingMessage,
      sender: LockedSender,
      decision: StateDecision,
    ) => Effect.Effect<{ readonly messageId: MessageId; readonly conversationId: ConversationId }>;
    /**
     * L6: locks the team's webchat visitor's conversation and reads it; NotFound("conversation")
     * when the team has no such visitor. The presence is written with `Conversations.recordUpdate`.
     */
    readonly lockVisitorConversation: (
      teamId: TeamId,
      visitorId: string,
    ) => Effect.Effect<Conversation, NotFound>;
    /** L1/L4: records that an identity completed identity binding to a website member. */
    readonly identityBound: (
      teamId: TeamId,
      identity: { readonly channel: Channel; readonly externalUserId: string },
      websiteMemberId: string,
      at: Date,
    ) => Effect.Effect<Identity, NotFound>;
    /** L2: upserts orders by id and replaces the cart of a website member. */
    readonly commerce: (
      teamId: TeamId,
      websiteMemberId: string,
      orders: readonly Omit<Order, "customerId">[],
      cart:
        | {
            readonly currency: string;
            readonly items: readonly OrderItem[];
            readonly updatedAt: Date;
          }
        | null
        | undefined,
    ) => Effect.Effect<{ readonly orders: number }>;
    /** O1: records an OMO binding for the customer of an identity. */
    readonly omoBound: (
      teamId: TeamId,
      identity: { readonly channel: Channel; readonly externalUserId: string },
      omoMemberId: string,
      at: Date,
    ) => Effect.Effect<OmoBinding, NotFound>;
  }
>() {}
