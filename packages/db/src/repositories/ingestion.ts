import { randomUUID } from "node:crypto";
import {
  type Channel,
  type ConversationId,
  type ConversationState,
  type CustomerId,
  type IdentityId,
  type IngestedMessage,
  type MemberId,
  type MessageId,
  NotFound,
  type RememberedAnswer,
  type StateDecision,
  type TeamId,
} from "@customer-panel/core";
import type { IncomingMessage, Ingestion, LockedSender } from "@customer-panel/core/adapter";
import { and, eq, sql } from "drizzle-orm";
import { type Context, Effect } from "effect";
import type { Db } from "../database.js";
import {
  carts,
  conversationEvents,
  conversations,
  customers,
  identities,
  messages,
  omoBindings,
  orders,
} from "../schema.js";
import { onHandle, type Tx, transact } from "../transaction.js";
import { eventRows } from "./conversation-rows.js";
import { conversationFromRow, identityFromRow } from "./rows.js";

type IdentityRef = { readonly channel: Channel; readonly externalUserId: string };

const byRef = (teamId: string, ref: IdentityRef) =>
  and(
    eq(identities.teamId, teamId),
    eq(identities.channel, ref.channel),
    eq(identities.externalId, ref.externalUserId),
  );

/**
 * Finds or creates the sender's identity (and, when new, its customer). The advisory
 * lock on the channel account comes first, so concurrent first messages from one user
 * queue here and the second finds what the first created: one customer, one identity.
 */
const senderIdentity = async (tx: Db | Tx, message: IncomingMessage) => {
  // Team (a UUID) and channel (a closed word) never contain ":", so the key is unambiguous.
  const lockKey = `${message.teamId}:${message.channel}:${message.externalUserId}`;
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${lockKey}, 0))`);
  const [found] = await tx.select().from(identities).where(byRef(message.teamId, message));
  const isWhatsApp = message.channel === "whatsapp";
  if (found !== undefined) {
    // P3: a WhatsApp user first known by a business-scoped id may later reveal a wa_id.
    const learned = {
      ...(isWhatsApp && found.waId === null && message.waId !== null && { waId: message.waId }),
      ...(isWhatsApp &&
        found.businessScopedId === null &&
        message.businessScopedId !== null && { businessScopedId: message.businessScopedId }),
    };
    if (Object.keys(learned).length > 0) {
      await tx.update(identities).set(learned).where(eq(identities.id, found.id));
    }
    return found;
  }
  const customerId = randomUUID();
  await tx.insert(customers).values({
    id: customerId,
    teamId: message.teamId,
    displayName: message.newCustomer.displayName,
    phone: message.newCustomer.phone,
  });
  const [created] = await tx
    .insert(identities)
    .values({
      id: randomUUID(),
      teamId: message.teamId,
      customerId,
      channel: message.channel,
      externalId: message.externalUserId,
      waId: isWhatsApp ? message.waId : null,
      businessScopedId: isWhatsApp ? message.businessScopedId : null,
    })
    .returning();
  if (created === undefined) throw new Error("The identity insert returned no row");
  return created;
};

/** Steps 1–2 of a message: the sender found or created under its lock, its conversation locked. */
const lockSenderIn = async (handle: Db | Tx, message: IncomingMessage): Promise<LockedSender> => {
  const identity = await senderIdentity(handle, message);
  const [current] = await handle
    .select({
      id: conversations.id,
      active: conversations.active,
      state: conversations.state,
      assigneeId: conversations.assigneeId,
    })
    .from(conversations)
    .where(and(eq(conversations.teamId, message.teamId), eq(conversations.identityId, identity.id)))
    .for("update");
  return {
    identityId: identity.id as IdentityId,
    customerId: identity.customerId as CustomerId,
    conversation:
      current === undefined
        ? null
        : {
            id: current.id as ConversationId,
            active: current.active,
            state: current.state as ConversationState,
            assigneeId: current.assigneeId as MemberId | null,
          },
  };
};

/**
 * The first answer to a channel message id in the conversation. Read under the sender's lock,
 * so retries take turns and the second finds what the first stored. The first answer had
 * created the conversation exactly when the message is the conversation's first (only
 * messages create one).
 */
const rememberedIn = async (
  handle: Db | Tx,
  teamId: TeamId,
  conversationId: ConversationId,
  key: string,
): Promise<RememberedAnswer<IngestedMessage> | null> => {
  const [earlier] = await handle
    .select({
      id: messages.id,
      customerId: conversations.customerId,
      fingerprint: messages.requestFingerprint,
      first: sql<boolean>`not exists (select 1 from messages m
        where m.conversation_id = ${messages.conversationId} and m.seq < ${messages.seq})`,
    })
    .from(messages)
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .where(
      and(
        eq(messages.teamId, teamId),
        eq(messages.conversationId, conversationId),
        eq(messages.externalMessageId, key),
      ),
    );
  if (earlier === undefined) return null;
  return {
    fingerprint: earlier.fingerprint ?? "",
    answer: {
      messageId: earlier.id as MessageId,
      conversationId,
      customerId: earlier.customerId as CustomerId,
      createdConversation: earlier.first === true,
      replayed: false,
    },
  };
};

/** Step 4 of a message (L5/E2 decided): the conversation created or moved, its log, the message. */
const recordMessageIn = async (
  handle: Db | Tx,
  message: IncomingMessage,
  sender: LockedSender,
  { state, assigneeId, events }: StateDecision,
) => {
  const conversationId = sender.conversation?.id ?? randomUUID();
  if (sender.conversation === null) {
    await handle.insert(conversations).values({
      id: conversationId,
      teamId: message.teamId,
      customerId: sender.customerId,
      identityId: sender.identityId,
      channel: message.channel,
      state,
      assigneeId,
      lastMessageAt: message.sentAt,
    });
  } else {
    await handle
      .update(conversations)
      .set({
        state,
        assigneeId,
        // A late-delivered older message does not move the conversation back in time.
        lastMessageAt: sql`greatest(${conversations.lastMessageAt}, ${message.sentAt})`,
      })
      .where(eq(conversations.id, conversationId));
  }
  const author =
    message.sender === "agent" && message.agent !== null
      ? { memberId: message.agent.id, memberName: message.agent.name }
      : { memberId: null, memberName: null };
  const log = eventRows(message.teamId, conversationId, events, { author, at: message.sentAt });
  if (log.length > 0) await handle.insert(conversationEvents).values(log);
  const messageId = randomUUID();
  await handle.insert(messages).values({
    id: messageId,
    teamId: message.teamId,
    conversationId,
    sender: message.sender,
    agentId: message.agent?.id ?? null,
    agentName: message.agent?.name ?? null,
    content: message.content,
    sentAt: message.sentAt,
    externalMessageId: message.idempotency?.key ?? null,
    requestFingerprint: message.idempotency?.fingerprint ?? null,
  });
  return { messageId: messageId as MessageId, conversationId: conversationId as ConversationId };
};

// L6: the webchat visitor's conversation under a row lock; null when the team has no such visitor.
const lockVisitorConversationIn = async (handle: Db | Tx, teamId: TeamId, visitorId: string) => {
  const [locked] = await handle
    .select({ conversation: conversations })
    .from(conversations)
    .innerJoin(
      identities,
      and(eq(identities.teamId, conversations.teamId), eq(identities.id, conversations.identityId)),
    )
    .where(byRef(teamId, { channel: "webchat", externalUserId: visitorId }))
    .for("update", { of: conversations });
  return locked === undefined ? null : conversationFromRow(locked.conversation);
};

/** The Ingestion port on PGlite or PostgreSQL. */
export const makeIngestion = (db: Db): Context.Tag.Service<typeof Ingestion> => ({
  lockSender: (message) => onHandle(db, (handle) => lockSenderIn(handle, message)),
  rememberedMessage: (teamId, conversationId, key) =>
    onHandle(db, (handle) => rememberedIn(handle, teamId, conversationId, key)),
  recordMessage: (message, sender, decision) =>
    onHandle(db, (handle) => recordMessageIn(handle, message, sender, decision)),
  lockVisitorConversation: (teamId, visitorId) =>
    onHandle(db, (handle) => lockVisitorConversationIn(handle, teamId, visitorId)).pipe(
      Effect.flatMap((conversation) =>
        conversation === null
          ? Effect.fail(NotFound.of("conversation"))
          : Effect.succeed(conversation),
      ),
    ),
  identityBound: (teamId, ref, websiteMemberId, at) =>
    Effect.flatMap(
      Effect.promise(() =>
        db
          .update(identities)
          .set({ websiteMemberId, boundAt: at })
          .where(byRef(teamId, ref))
          .returning(),
      ),
      ([row]) =>
        row === undefined
          ? Effect.fail(NotFound.of("identity"))
          : Effect.succeed(identityFromRow(row)),
    ),
  commerce: (teamId, websiteMemberId, incoming, cart) =>
    transact(db, async (tx) => {
      // ON CONFLICT may touch a row once per statement: the last copy of an id wins.
      const unique = [...new Map(incoming.map((o) => [o.id, o])).values()];
      if (unique.length > 0) {
        await tx
          .insert(orders)
          .values(
            unique.map((o) => ({
              teamId,
              orderId: o.id,
              // Orders arrive per website member (L3); the table keys them to that member.
              websiteMemberId,
              placedAt: o.placedAt,
              currency: o.currency,
              total: o.total,
              items: o.items,
            })),
          )
          .onConflictDoUpdate({
            target: [orders.teamId, orders.orderId],
            set: {
              websiteMemberId: sql`excluded.website_member_id`,
              placedAt: sql`excluded.placed_at`,
              currency: sql`excluded.currency`,
              total: sql`excluded.total`,
              items: sql`excluded.items`,
            },
          });
      }
      const memberCart = and(eq(carts.teamId, teamId), eq(carts.websiteMemberId, websiteMemberId));
      if (cart === null) await tx.delete(carts).where(memberCart);
      else if (cart !== undefined) {
        const values = { currency: cart.currency, items: cart.items, updatedAt: cart.updatedAt };
        await tx
          .insert(carts)
          .values({ teamId, websiteMemberId, ...values })
          .onConflictDoUpdate({ target: [carts.teamId, carts.websiteMemberId], set: values });
      }
      return { orders: incoming.length };
    }),
  omoBound: (teamId, ref, omoMemberId, at) =>
    transact<{ customerId: CustomerId; omoMemberId: string; boundAt: Date }, NotFound>(
      db,
      async (tx, refuse) => {
        const [identity] = await tx
          .select({ customerId: identities.customerId })
          .from(identities)
          .where(byRef(teamId, ref));
        if (identity === undefined) return refuse(NotFound.of("identity"));
        const binding = { omoMemberId, boundAt: at };
        await tx
          .insert(omoBindings)
          .values({ teamId, customerId: identity.customerId, ...binding })
          .onConflictDoUpdate({
            target: [omoBindings.teamId, omoBindings.customerId],
            set: binding,
          });
        return { customerId: identity.customerId as CustomerId, ...binding };
      },
    ),
});
