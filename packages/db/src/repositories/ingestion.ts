import { randomUUID } from "node:crypto";
import {
  type Channel,
  type Conversation,
  type ConversationBlocked,
  type ConversationId,
  type ConversationState,
  type CustomerId,
  type DomainError,
  IdempotencyKeyReused,
  type IngestedMessage,
  type MemberId,
  type MessageId,
  NotFound,
  type Presence,
  type TeamId,
} from "@customer-panel/core";
import type { IncomingMessage, Ingestion } from "@customer-panel/core/adapter";
import { and, eq, sql } from "drizzle-orm";
import { type Context, Effect, Either } from "effect";
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
import { type Tx, transact } from "../transaction.js";
import { eventRows, presenceColumns } from "./conversation-rows.js";
import { conversationFromRow, identityFromRow } from "./rows.js";

type Decide = Parameters<Context.Tag.Service<typeof Ingestion>["message"]>[1];

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
const senderIdentity = async (tx: Tx, message: IncomingMessage) => {
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

/**
 * A retry of a message stored with this channel message id: its first answer, or a refusal when
 * the id came with another message. Runs under the sender's lock (senderIdentity), so retries
 * take turns and the second finds what the first stored. The first answer had created the
 * conversation exactly when the message is the conversation's first (only messages create one).
 */
const replayOf = async (
  tx: Tx,
  conversation: { readonly id: string; readonly customerId: string },
  idempotency: { readonly key: string; readonly fingerprint: string },
  refuse: (error: IdempotencyKeyReused) => never,
): Promise<IngestedMessage | null> => {
  const [earlier] = await tx
    .select({
      id: messages.id,
      fingerprint: messages.requestFingerprint,
      first: sql<boolean>`not exists (select 1 from messages m
        where m.conversation_id = ${messages.conversationId} and m.seq < ${messages.seq})`,
    })
    .from(messages)
    .where(
      and(
        eq(messages.conversationId, conversation.id),
        eq(messages.externalMessageId, idempotency.key),
      ),
    );
  if (earlier === undefined) return null;
  if (earlier.fingerprint !== idempotency.fingerprint)
    return refuse(IdempotencyKeyReused.ofMessage());
  return {
    messageId: earlier.id as MessageId,
    conversationId: conversation.id as ConversationId,
    customerId: conversation.customerId as CustomerId,
    createdConversation: earlier.first === true,
    replayed: true,
  };
};

/** L5/E2: one transaction — a refusal rolls back even a customer created for the message. */
const ingestMessage = (db: Db, message: IncomingMessage, decide: Decide) =>
  transact<IngestedMessage, ConversationBlocked | IdempotencyKeyReused>(db, async (tx, refuse) => {
    const identity = await senderIdentity(tx, message);
    const [current] = await tx
      .select()
      .from(conversations)
      .where(
        and(eq(conversations.teamId, message.teamId), eq(conversations.identityId, identity.id)),
      )
      .for("update");
    const idempotency = message.idempotency ?? null;
    if (current !== undefined && idempotency !== null) {
      const replayed = await replayOf(tx, current, idempotency, refuse);
      if (replayed !== null) return replayed;
    }
    const decision = decide(
      current === undefined
        ? null
        : {
            active: current.active,
            state: current.state as ConversationState,
            assigneeId: current.assigneeId as MemberId | null,
          },
    );
    if (Either.isLeft(decision)) return refuse(decision.left);
    const { state, assigneeId, events } = decision.right;
    const conversationId = current?.id ?? randomUUID();
    if (current === undefined) {
      await tx.insert(conversations).values({
        id: conversationId,
        teamId: message.teamId,
        customerId: identity.customerId,
        identityId: identity.id,
        channel: identity.channel,
        state,
        assigneeId,
        lastMessageAt: message.sentAt,
      });
    } else {
      await tx
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
    if (log.length > 0) await tx.insert(conversationEvents).values(log);
    const messageId = randomUUID();
    await tx.insert(messages).values({
      id: messageId,
      teamId: message.teamId,
      conversationId,
      sender: message.sender,
      agentId: message.agent?.id ?? null,
      agentName: message.agent?.name ?? null,
      content: message.content,
      sentAt: message.sentAt,
      externalMessageId: idempotency?.key ?? null,
      requestFingerprint: idempotency?.fingerprint ?? null,
    });
    return {
      messageId: messageId as MessageId,
      conversationId: conversationId as ConversationId,
      customerId: identity.customerId as CustomerId,
      createdConversation: current === undefined,
      replayed: false,
    };
  });

/** L6: the webchat visitor's conversation, locked, with the decided presence stored. */
const updatePresence = <E extends DomainError>(
  db: Db,
  teamId: TeamId,
  visitorId: string,
  decide: (conversation: Conversation) => Either.Either<Presence, E>,
) =>
  transact<Conversation, E | NotFound>(db, async (tx, refuse) => {
    const [locked] = await tx
      .select({ conversation: conversations })
      .from(conversations)
      .innerJoin(
        identities,
        and(
          eq(identities.teamId, conversations.teamId),
          eq(identities.id, conversations.identityId),
        ),
      )
      .where(byRef(teamId, { channel: "webchat", externalUserId: visitorId }))
      .for("update", { of: conversations });
    if (locked === undefined) return refuse(NotFound.of("conversation"));
    const decision = decide(conversationFromRow(locked.conversation));
    if (Either.isLeft(decision)) return refuse(decision.left);
    const [updated] = await tx
      .update(conversations)
      .set(presenceColumns(decision.right))
      .where(eq(conversations.id, locked.conversation.id))
      .returning();
    if (updated === undefined) throw new Error("The locked conversation vanished");
    return conversationFromRow(updated);
  });

/** The Ingestion port on PGlite or PostgreSQL. */
export const makeIngestion = (db: Db): Context.Tag.Service<typeof Ingestion> => ({
  message: (message, decide) => ingestMessage(db, message, decide),
  presence: (teamId, visitorId, decide) => updatePresence(db, teamId, visitorId, decide),
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
