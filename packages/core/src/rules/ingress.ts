import { Either } from "effect";
import { ConversationBlocked } from "../domain/errors.js";
import type { ConversationEventKind } from "../domain/model.js";
import type { StateDecision } from "../domain/state-decision.js";
import type { SenderType } from "../domain/vocabulary.js";
import { onCustomerMessage, onTeamMessage, type StateView } from "./conversation-state.js";

/** The conversation as ingress sees it; null when the identity has none yet. */
export interface IngressView {
  readonly active: boolean;
}

/**
 * L5/B2: a blocked customer's messages are refused at ingestion and not stored.
 * Bot and agent messages are the team's own and are still recorded.
 */
export const decideInbound = (
  conversation: IngressView | null,
  sender: SenderType,
): Either.Either<void, ConversationBlocked> =>
  conversation !== null && !conversation.active && sender === "customer"
    ? Either.left(ConversationBlocked.make())
    : Either.right(undefined);

/** The decided effect of turning 有效 on or off (L5). */
export interface StatusDecision {
  readonly active: boolean;
  /** The log entry, or none when the status was already as asked. */
  readonly event: ConversationEventKind | null;
}

/** L5: turning "active" off blocks the customer, on again receives them again; both are logged (E2). */
export const decideStatusChange = (current: IngressView, active: boolean): StatusDecision => ({
  active,
  event: current.active === active ? null : { type: active ? "unblocked" : "blocked" },
});

/**
 * L5 + E2 for one stored message: refused when the customer is blocked; otherwise
 * the conversation's next state (`null` conversation = the first message opens it).
 */
export const decideIngestedMessage = (
  conversation: (IngressView & StateView) | null,
  sender: SenderType,
): Either.Either<StateDecision, ConversationBlocked> =>
  Either.map(decideInbound(conversation, sender), () => {
    const view = conversation ?? { state: null, assigneeId: null };
    return sender === "customer" ? onCustomerMessage(view) : onTeamMessage(view);
  });
