import { Effect, Layer } from "effect";
import { type IncomingMessage, Ingestion, type LockedSender, Omo } from "../../../src/adapter.js";
import {
  type Conversation,
  type ConversationId,
  type Customer,
  type CustomerId,
  type Identity,
  type IdentityId,
  type MessageId,
  NotFound,
  type StateDecision,
} from "../../../src/index.js";
import { appendEvents } from "./conversations.js";
import { conversationIn, conversationOfIdentity, customerIn, identityByRef } from "./lookups.js";
import { type InMemoryState, key, replace } from "./state.js";

/** Finds or creates the sender's customer and identity (WhatsApp keeps wa_id / BSUID, P3). */
const senderIdentity = (
  state: InMemoryState,
  nextId: () => string,
  message: IncomingMessage,
): Identity => {
  const found = identityByRef(state, message.teamId, message);
  if (found !== undefined) return found;
  const customer: Customer = {
    id: nextId() as CustomerId,
    teamId: message.teamId,
    displayName: message.newCustomer.displayName,
    email: null,
    phone: message.newCustomer.phone,
    note: null,
    memberId: null,
    createdAt: message.sentAt,
  };
  const identity: Identity = {
    id: nextId() as IdentityId,
    teamId: message.teamId,
    customerId: customer.id,
    channel: message.channel,
    externalId: message.externalUserId,
    waId: message.channel === "whatsapp" ? message.waId : null,
    businessScopedId: message.channel === "whatsapp" ? message.businessScopedId : null,
    websiteMemberId: null,
    boundAt: null,
  };
  state.customers.set(customer.id, customer);
  state.identities.set(identity.id, identity);
  return identity;
};

/** Ingestion.recordMessage: the conversation created or moved to the decided state, the message. */
const recordMessage = (
  state: InMemoryState,
  nextId: () => string,
  message: IncomingMessage,
  sender: LockedSender,
  decision: StateDecision,
) => {
  const current = sender.conversation && state.conversations.get(sender.conversation.id);
  let conversation: Conversation;
  if (current == null) {
    conversation = {
      id: nextId() as ConversationId,
      teamId: message.teamId,
      customerId: sender.customerId,
      identityId: sender.identityId,
      channel: message.channel,
      state: decision.state,
      active: true,
      assigneeId: decision.assigneeId,
      presence: { online: false, since: null },
      lastExportedAt: null,
      createdAt: message.sentAt,
    };
    state.conversations.set(conversation.id, conversation);
  } else {
    conversation = replace(state.conversations, current.id, current, {
      state: decision.state,
      assigneeId: decision.assigneeId,
    });
  }
  const author =
    message.sender === "agent" && message.agent
      ? { memberId: message.agent.id, memberName: message.agent.name }
      : { memberId: null, memberName: null };
  appendEvents(state, nextId, conversation.id, decision.events, { author, at: message.sentAt });
  const messageId = nextId() as MessageId;
  state.messages.push({
    id: messageId,
    teamId: message.teamId,
    conversationId: conversation.id,
    sender: message.sender,
    agentId: message.agent?.id ?? null,
    agentName: message.agent?.name ?? null,
    content: message.content,
    sentAt: message.sentAt,
  });
  if (message.idempotency) {
    state.messageKeys.set(key(conversation.id, message.idempotency.key), {
      fingerprint: message.idempotency.fingerprint,
      answer: {
        messageId,
        conversationId: conversation.id,
        customerId: sender.customerId,
        createdConversation: current == null,
        replayed: false,
      },
    });
  }
  return { messageId, conversationId: conversation.id };
};

/** Ingestion and Omo over the in-memory state. */
export const ingestionLayer = (state: InMemoryState, nextId: () => string) =>
  Layer.merge(
    Layer.succeed(Ingestion, {
      lockSender: (message) =>
        Effect.sync((): LockedSender => {
          const identity = senderIdentity(state, nextId, message);
          const conversation = conversationOfIdentity(state, identity);
          return {
            identityId: identity.id,
            customerId: identity.customerId,
            conversation: conversation
              ? {
                  id: conversation.id,
                  active: conversation.active,
                  state: conversation.state,
                  assigneeId: conversation.assigneeId,
                }
              : null,
          };
        }),
      rememberedMessage: (teamId, conversationId, messageKey) =>
        Effect.sync(() =>
          conversationIn(state, teamId, conversationId) === undefined
            ? null
            : (state.messageKeys.get(key(conversationId, messageKey)) ?? null),
        ),
      recordMessage: (message, sender, decision) =>
        Effect.sync(() => recordMessage(state, nextId, message, sender, decision)),
      lockVisitorConversation: (teamId, visitorId) =>
        Effect.suspend(() => {
          const identity = identityByRef(state, teamId, {
            channel: "webchat",
            externalUserId: visitorId,
          });
          const conversation = identity && conversationOfIdentity(state, identity);
          return conversation === undefined
            ? Effect.fail(NotFound.of("conversation"))
            : Effect.succeed(conversation);
        }),
      identityBound: (teamId, ref, websiteMemberId, at) =>
        Effect.suspend(() => {
          const identity = identityByRef(state, teamId, ref);
          if (identity === undefined) return Effect.fail(NotFound.of("identity"));
          return Effect.succeed(
            replace(state.identities, identity.id, identity, { websiteMemberId, boundAt: at }),
          );
        }),
      commerce: (teamId, websiteMemberId, orders, cart) =>
        Effect.sync(() => {
          for (const order of orders) state.orders.set(key(teamId, order.id), { ...order, teamId });
          const cartKey = key(teamId, websiteMemberId);
          if (cart === null) state.carts.delete(cartKey);
          else if (cart !== undefined) {
            state.carts.set(cartKey, {
              teamId,
              websiteMemberId,
              currency: cart.currency,
              items: cart.items,
              updatedAt: cart.updatedAt,
            });
          }
          return { orders: orders.length };
        }),
      omoBound: (teamId, ref, omoMemberId, at) =>
        Effect.suspend(() => {
          const identity = identityByRef(state, teamId, ref);
          if (identity === undefined) return Effect.fail(NotFound.of("identity"));
          const binding = { customerId: identity.customerId, omoMemberId, boundAt: at };
          state.omo.set(identity.customerId, { ...binding, teamId });
          return Effect.succeed(binding);
        }),
    }),
    Layer.succeed(Omo, {
      unbind: (teamId, customerId, log) =>
        Effect.sync(() => {
          const binding = state.omo.get(customerId);
          if (customerIn(state, teamId, customerId) === undefined || binding?.teamId !== teamId) {
            return false;
          }
          state.omo.delete(customerId);
          const conversation = conversationIn(state, teamId, log.conversationId);
          if (conversation?.customerId === customerId) {
            appendEvents(state, nextId, conversation.id, [{ type: "omo_unbound" }], log);
          }
          return true;
        }),
    }),
  );
