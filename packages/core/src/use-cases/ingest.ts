import { Clock, Effect } from "effect";
import type { Author } from "../domain/author.js";
import { withUpdate } from "../domain/conversation-update.js";
import { IdempotencyKeyReused, NotFound } from "../domain/errors.js";
import type { MemberId, TeamId } from "../domain/ids.js";
import type { IncomingMessage, IngestedMessage } from "../domain/incoming-message.js";
import type { IntegrationActor, OrderItem } from "../domain/model.js";
import type { Channel, SenderType } from "../domain/vocabulary.js";
import { ChangeFeed } from "../ports/change-feed.js";
import { Conversations } from "../ports/conversations.js";
import { Directory } from "../ports/directory.js";
import { Ingestion } from "../ports/ingestion.js";
import { Transactions } from "../ports/transactions.js";
import { refuseFutureInstants } from "../rules/future-instants.js";
import { decideReplay } from "../rules/idempotency.js";
import { decideIngestedMessage } from "../rules/ingress.js";
import { whatsAppPhone } from "../rules/phone-number.js";
import { decidePresence, lastPageView, type PresenceSignal } from "../rules/presence.js";

/** How an integration names a customer's channel account. */
export interface IngestIdentityRef {
  readonly channel: Channel;
  readonly externalUserId: string;
}

// What a channel message id stands for: same id, other message → refused. A time the
// integration left out is not part of it (the server's clock differs between retries).
const messageFingerprintOf = (input: {
  readonly sender: SenderType;
  readonly content: string;
  readonly sentAt?: Date | undefined;
  readonly agentId?: MemberId | undefined;
}): string =>
  JSON.stringify([
    input.sender,
    input.content,
    input.agentId ?? null,
    input.sentAt?.toISOString() ?? null,
  ]);

// A presence signal is the integration's, not a member's.
const NO_AUTHOR: Author = { memberId: null, memberName: null };

/** The fallback name of a customer first seen on a channel without a name. */
const defaultNameOf = (ref: IngestIdentityRef): string =>
  `${ref.channel} ${ref.externalUserId.slice(-6)}`;

/**
 * The transaction of an ingested message, top to bottom: lock the sender (its customer and
 * identity found or created) → replay a retry of a channel message id already stored (T8's
 * rule, `decideReplay`) → decide (L5, E2) → record the message with the decided state. A
 * refusal writes nothing, not even a customer created for the message.
 */
export const storeMessage = (message: IncomingMessage) =>
  Effect.gen(function* () {
    const ingestion = yield* Ingestion;
    const transactions = yield* Transactions;
    return yield* transactions.withTransaction(
      Effect.gen(function* () {
        const sender = yield* ingestion.lockSender(message);
        const { conversation } = sender;
        const idempotency = message.idempotency ?? null;
        if (conversation !== null && idempotency !== null) {
          const remembered = yield* ingestion.rememberedMessage(
            message.teamId,
            conversation.id,
            idempotency.key,
          );
          const replay = yield* decideReplay(
            remembered,
            idempotency.fingerprint,
            IdempotencyKeyReused.ofMessage,
          );
          if (replay.kind === "replay") return { ...replay.answer, replayed: true };
        }
        const decision = yield* decideIngestedMessage(conversation, message.sender);
        const stored = yield* ingestion.recordMessage(message, sender, decision);
        const answer: IngestedMessage = {
          ...stored,
          customerId: sender.customerId,
          createdConversation: conversation === null,
          replayed: false,
        };
        return answer;
      }),
    );
  });

/**
 * `ingest.message`: stores a message. A customer's message on a blocked conversation
 * is refused and not stored (L5, B2); a customer message makes a new or closed
 * conversation pending (E2). A new WhatsApp customer's phone comes from the wa_id (P3).
 */
export const ingestMessage = (
  actor: IntegrationActor,
  input: {
    readonly identity: IngestIdentityRef;
    readonly sender: SenderType;
    readonly content: string;
    readonly sentAt?: Date | undefined;
    readonly agentId?: MemberId | undefined;
    readonly displayName?: string | undefined;
    readonly waId?: string | undefined;
    readonly businessScopedId?: string | undefined;
    readonly externalMessageId?: string | undefined;
  },
) =>
  Effect.gen(function* () {
    const now = new Date(yield* Clock.currentTimeMillis);
    if (input.sentAt !== undefined) {
      yield* refuseFutureInstants([{ field: "sentAt", at: input.sentAt }], now);
    }
    let agent = null;
    if (input.sender === "agent") {
      if (input.agentId === undefined) return yield* Effect.fail(NotFound.of("member"));
      const directory = yield* Directory;
      const member = yield* directory.member(actor.teamId, input.agentId);
      if (member === null) return yield* Effect.fail(NotFound.of("member"));
      agent = { id: member.id, name: member.name };
    }
    const isWhatsApp = input.identity.channel === "whatsapp";
    const stored = yield* storeMessage({
      teamId: actor.teamId,
      channel: input.identity.channel,
      externalUserId: input.identity.externalUserId,
      sender: input.sender,
      content: input.content,
      sentAt: input.sentAt ?? now,
      agent,
      newCustomer: {
        displayName: input.displayName ?? defaultNameOf(input.identity),
        phone: isWhatsApp ? whatsAppPhone(input.waId ?? null) : null,
      },
      waId: isWhatsApp ? (input.waId ?? null) : null,
      businessScopedId: isWhatsApp ? (input.businessScopedId ?? null) : null,
      idempotency:
        input.externalMessageId === undefined
          ? null
          : { key: input.externalMessageId, fingerprint: messageFingerprintOf(input) },
    });
    // A replay changed nothing: its change was published the first time.
    if (stored.replayed) return stored;
    const feed = yield* ChangeFeed;
    yield* feed.publish({
      teamId: actor.teamId,
      conversationId: stored.conversationId,
      customerId: stored.customerId,
      kind: "message",
      at: now,
    });
    return stored;
  });

/**
 * The transaction of a presence signal (L6): lock the webchat visitor's conversation → decide →
 * record the presence.
 */
export const recordPresence = (
  teamId: TeamId,
  visitorId: string,
  signal: PresenceSignal,
  at: Date,
) =>
  Effect.gen(function* () {
    const ingestion = yield* Ingestion;
    const conversations = yield* Conversations;
    const transactions = yield* Transactions;
    return yield* transactions.withTransaction(
      Effect.gen(function* () {
        const locked = yield* ingestion.lockVisitorConversation(teamId, visitorId);
        const presence = yield* decidePresence(locked.channel, signal, at);
        const update = { presence, events: [] };
        yield* conversations.recordUpdate(teamId, locked.id, update, { author: NO_AUTHOR, at });
        return withUpdate(locked, update);
      }),
    );
  });

const presence = (actor: IntegrationActor, visitorId: string, signal: PresenceSignal) =>
  Effect.gen(function* () {
    const at = new Date(yield* Clock.currentTimeMillis);
    const conversation = yield* recordPresence(actor.teamId, visitorId, signal, at);
    const feed = yield* ChangeFeed;
    yield* feed.publish({
      teamId: actor.teamId,
      conversationId: conversation.id,
      customerId: conversation.customerId,
      kind: "presence",
      at,
    });
    // One shape for presence (issue 16): the L6 view `panel.get` shows as `lastPage`.
    return { conversationId: conversation.id, lastPage: lastPageView(conversation.presence) };
  });

/** `ingest.pageVisit` (L6): the webchat customer is on a page. */
export const ingestPageVisit = (
  actor: IntegrationActor,
  input: {
    readonly visitorId: string;
    readonly pageUrl: string;
    readonly pageTitle?: string | undefined;
  },
) =>
  presence(actor, input.visitorId, {
    type: "page_visit",
    pageUrl: input.pageUrl,
    pageTitle: input.pageTitle ?? null,
  });

/** `ingest.pageClosed` (L6): "user offline" at once; the page link is dropped. */
export const ingestPageClosed = (actor: IntegrationActor, input: { readonly visitorId: string }) =>
  presence(actor, input.visitorId, { type: "page_closed" });

/** `ingest.identityBound` (L1, L4): a social identity completed identity binding. */
export const ingestIdentityBound = (
  actor: IntegrationActor,
  input: { readonly identity: IngestIdentityRef; readonly websiteMemberId: string },
) =>
  Effect.gen(function* () {
    const at = new Date(yield* Clock.currentTimeMillis);
    const ingestion = yield* Ingestion;
    const identity = yield* ingestion.identityBound(
      actor.teamId,
      input.identity,
      input.websiteMemberId,
      at,
    );
    return { identityId: identity.id, customerId: identity.customerId, boundAt: at };
  });

/** `ingest.orders` (L2): orders (upserted by id) and the cart of one website member. */
export const ingestOrders = (
  actor: IntegrationActor,
  input: {
    readonly websiteMemberId: string;
    readonly orders: readonly {
      readonly orderId: string;
      readonly placedAt: Date;
      readonly currency: string;
      readonly total: number;
      readonly items: readonly OrderItem[];
    }[];
    readonly cart?:
      | { readonly currency: string; readonly items: readonly OrderItem[] }
      | null
      | undefined;
  },
) =>
  Effect.gen(function* () {
    const at = new Date(yield* Clock.currentTimeMillis);
    yield* refuseFutureInstants(
      input.orders.map((o, i) => ({ field: `orders.${i}.placedAt`, at: o.placedAt })),
      at,
    );
    const ingestion = yield* Ingestion;
    return yield* ingestion.commerce(
      actor.teamId,
      input.websiteMemberId,
      input.orders.map((o) => ({
        id: o.orderId,
        placedAt: o.placedAt,
        currency: o.currency,
        total: o.total,
        items: o.items,
        websiteMemberId: input.websiteMemberId,
      })),
      input.cart === undefined ? undefined : input.cart && { ...input.cart, updatedAt: at },
    );
  });

/** `ingest.omoBinding` (O1): the customer of an identity bound an OMO membership. */
export const ingestOmoBinding = (
  actor: IntegrationActor,
  input: { readonly identity: IngestIdentityRef; readonly omoMemberId: string },
) =>
  Effect.gen(function* () {
    const at = new Date(yield* Clock.currentTimeMillis);
    const ingestion = yield* Ingestion;
    return yield* ingestion.omoBound(actor.teamId, input.identity, input.omoMemberId, at);
  });
