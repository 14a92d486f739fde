import { z } from "zod";
import { CustomerId, MemberId, TagId } from "../domain/ids.js";
import { CHANNELS } from "../domain/vocabulary.js";

/**
 * The shapes that several outputs share: one thing, one shape on the wire (issue 16).
 * A field that refers to another thing is `<thing>Id`; an object that is the thing
 * itself carries `id` (a conversation, a customer, an event).
 */

/** A messaging channel. */
export const ChannelOutput = z.enum(CHANNELS);

/** A tag as it stands on a customer (T4): applications since the last removal. */
export const CustomerTagOutput = z.strictObject({
  tagId: TagId,
  name: z.string(),
  count: z.number().int().min(0),
});

/**
 * L6 webchat presence, as the panel shows it: the page the customer is on, or offline
 * (never a stale page once offline). `panel.get`'s `lastPage` and `ingest.pageVisit`/
 * `ingest.pageClosed` answer this one shape.
 */
export const LastPageOutput = z.discriminatedUnion("status", [
  z.strictObject({
    status: z.literal("online"),
    pageUrl: z.string(),
    pageTitle: z.string().nullable(),
    since: z.date(),
  }),
  z.strictObject({ status: z.literal("offline"), since: z.date().nullable() }),
]);

/**
 * A customer's profile (P1): `profile.update` and `panel.get` answer this shape.
 * `websiteMemberId` is the pixel's website member id (P4), shown only with `pixel`.
 */
export const CustomerProfileOutput = z.strictObject({
  id: CustomerId,
  displayName: z.string(),
  email: z.string().nullable(),
  /** E.164; for a WhatsApp customer in `panel.get`, the WhatsApp number (P3). */
  phone: z.string().nullable(),
  note: z.string().nullable(),
  websiteMemberId: z.string().nullable(),
});

/** An OMO membership binding (O1). */
export const OmoBindingOutput = z.strictObject({
  customerId: CustomerId,
  omoMemberId: z.string(),
  boundAt: z.date(),
});

/** A line of an order or a cart; prices in minor units. */
export const OrderItemOutput = z.strictObject({
  sku: z.string(),
  name: z.string(),
  quantity: z.number().int(),
  unitPrice: z.number().int(),
});

/** A short-lived download link (R4, L7): `GET` it for the CSV. */
export const DownloadLinkOutput = z.strictObject({
  url: z.string(),
  fileName: z.string(),
  expiresAt: z.date(),
});

/** Who did something: the member, or null for the customer or the system. */
export const AuthorOutput = z.strictObject({
  memberId: MemberId.nullable(),
  memberName: z.string().nullable(),
});

/** The answer to a tag application (T3, T4, T7, T8), by a member or an integration. */
export const TagApplyOutput = z.discriminatedUnion("kind", [
  CustomerTagOutput.extend({
    kind: z.literal("applied"),
    repeat: z.boolean(),
    applicationId: z.uuid(),
    /** The conversation's channel when applied in one. */
    channel: ChannelOutput.nullable(),
    appliedAt: z.date(),
    /** True when this answers a retry with the same idempotency key. */
    replayed: z.boolean(),
  }),
  CustomerTagOutput.extend({ kind: z.literal("confirmation_required") }),
]);
