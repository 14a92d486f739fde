import type {
  Channel,
  Conversation,
  ConversationId,
  Customer,
  CustomerId,
  Identity,
  Member,
  MemberId,
  TeamId,
} from "../../../src/index.js";
import type { InMemoryState } from "./state.js";

/**
 * Team-scoped reads shared by the port implementations. Every lookup takes the
 * team first and answers undefined for another team's id exactly as for a
 * missing one (X2).
 */

/** The team's customer, or undefined. */
export const customerIn = (
  state: InMemoryState,
  teamId: TeamId,
  id: CustomerId,
): Customer | undefined => {
  const customer = state.customers.get(id);
  return customer?.teamId === teamId ? customer : undefined;
};

/** The team's conversation, or undefined. */
export const conversationIn = (
  state: InMemoryState,
  teamId: TeamId,
  id: ConversationId,
): Conversation | undefined => {
  const conversation = state.conversations.get(id);
  return conversation?.teamId === teamId ? conversation : undefined;
};

/** The team's member, or undefined. */
export const memberIn = (
  state: InMemoryState,
  teamId: TeamId,
  id: MemberId | null,
): Member | undefined => {
  if (id === null) return undefined;
  const member = state.members.get(id);
  return member?.teamId === teamId ? member : undefined;
};

/** The team's identity on a channel by the channel's user id, or undefined. */
export const identityByRef = (
  state: InMemoryState,
  teamId: TeamId,
  ref: { readonly channel: Channel; readonly externalUserId: string },
): Identity | undefined => {
  for (const identity of state.identities.values()) {
    if (
      identity.teamId === teamId &&
      identity.channel === ref.channel &&
      identity.externalId === ref.externalUserId
    ) {
      return identity;
    }
  }
  return undefined;
};

/** Every identity of a customer, oldest first (insertion order). */
export const identitiesOf = (state: InMemoryState, customer: Customer): Identity[] =>
  [...state.identities.values()].filter(
    (i) => i.teamId === customer.teamId && i.customerId === customer.id,
  );

/** The conversation of an identity (one per identity; the newest if a deletion left room for another). */
export const conversationOfIdentity = (
  state: InMemoryState,
  identity: Identity,
): Conversation | undefined => {
  let found: Conversation | undefined;
  for (const c of state.conversations.values()) {
    if (c.teamId === identity.teamId && c.identityId === identity.id) found = c;
  }
  return found;
};

/** The time of the conversation's newest message, or null. */
export const lastMessageAt = (
  state: InMemoryState,
  conversationId: ConversationId,
): Date | null => {
  let last: Date | null = null;
  for (const m of state.messages) {
    if (m.conversationId === conversationId && (last === null || m.sentAt > last)) last = m.sentAt;
  }
  return last;
};
