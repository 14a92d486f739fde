import { z } from "zod";
import { ConversationId, CustomerId, MemberId, TagId } from "../domain/ids.js";
import { CHANNELS, SENDER_TYPES, TAG_METHODS } from "../domain/vocabulary.js";
import {
  calendarDateField,
  cleanText,
  displayNameField,
  emailField,
  externalIdField,
  idempotencyKeyField,
  instantField,
  limitField,
  noteField,
  pageUrlField,
  phoneField,
  tagNameField,
  tagQueryField,
} from "./fields.js";

/**
 * Input schemas of every public operation (docs/spec.md, "Public surface"), defined once
 * and reused by the router. Objects are strict: an unknown key — a `teamId`, a
 * `role` — is refused, because team, role and client come from authentication.
 */

/** `panel.get`: the panel of one conversation. */
export const PanelGetInput = z.strictObject({ conversationId: ConversationId });

/** `profile.update` (P1, P2): at least one field; empty strings clear email, phone, note. */
export const ProfileUpdateInput = z
  .strictObject({
    customerId: CustomerId,
    displayName: displayNameField.optional(),
    email: emailField.optional(),
    phone: phoneField.optional(),
    note: noteField.optional(),
  })
  .refine(
    (v) =>
      v.displayName !== undefined ||
      v.email !== undefined ||
      v.phone !== undefined ||
      v.note !== undefined,
    { error: "give at least one of displayName, email, phone, note" },
  );

/** `preferences.setPanelHidden` (P5). */
export const SetPanelHiddenInput = z.strictObject({ hidden: z.boolean() });

/** `events.list` (E1): newest first, paged by an opaque cursor. */
export const EventsListInput = z.strictObject({
  conversationId: ConversationId,
  cursor: z.string().max(200).optional(),
  limit: limitField(200, 50),
});

/** `tags.suggest` (T2): what was typed so far (may be empty). */
export const TagsSuggestInput = z.strictObject({
  query: tagQueryField,
  limit: limitField(10, 10),
});

/** `tags.apply` (T3, T4, T7, T8). `confirm` answers the repeat-tagging question. */
export const TagsApplyInput = z.strictObject({
  customerId: CustomerId,
  name: tagNameField,
  conversationId: ConversationId.optional(),
  confirm: z.boolean().default(false),
  idempotencyKey: idempotencyKeyField.optional(),
});

/** `tags.remove` (T5). */
export const TagsRemoveInput = z.strictObject({ customerId: CustomerId, tagId: TagId });

/** `tags.frequency` (T6): optionally only a date range (team calendar days, both ends included). */
export const TagsFrequencyInput = z
  .strictObject({
    customerId: CustomerId,
    from: calendarDateField.optional(),
    to: calendarDateField.optional(),
  })
  .refine((v) => (v.from === undefined) === (v.to === undefined), {
    error: "give both from and to, or neither",
    path: ["to"],
  });

/** An export download's file format: CSV (the default, R4) or XLSX. */
export const ExportFileFormat = z.enum(["csv", "xlsx"]);

/**
 * `tagReports.stats` / `tagReports.records` (R1): team calendar days, both ends included;
 * `format` `csv` (the default) or `xlsx`.
 */
export const TagReportInput = z.strictObject({
  from: calendarDateField,
  to: calendarDateField,
  format: ExportFileFormat.optional(),
});

/** `conversations.setStatus` (L5): `active: false` blocks the customer. */
export const SetStatusInput = z.strictObject({
  conversationId: ConversationId,
  active: z.boolean(),
});

/** `conversations.changeState` (E2). */
export const ChangeStateInput = z.discriminatedUnion("command", [
  z.strictObject({ conversationId: ConversationId, command: z.literal("follow_up") }),
  z.strictObject({ conversationId: ConversationId, command: z.literal("reopen") }),
  z.strictObject({ conversationId: ConversationId, command: z.literal("close") }),
  z.strictObject({
    conversationId: ConversationId,
    command: z.literal("assign"),
    assigneeId: MemberId,
  }),
]);

/**
 * `conversations.export` (L7): a CSV or XLSX download, or an email with the transcript
 * attached (`attachment` `csv`, the default, or `xlsx`).
 */
export const ExportConversationInput = z.discriminatedUnion("format", [
  z.strictObject({ conversationId: ConversationId, format: z.literal("csv") }),
  z.strictObject({ conversationId: ConversationId, format: z.literal("xlsx") }),
  z.strictObject({
    conversationId: ConversationId,
    format: z.literal("email"),
    to: z.email({ error: "must be a valid email address" }).max(254),
    attachment: ExportFileFormat.optional(),
  }),
]);

/** `conversations.delete` (L9). */
export const DeleteConversationInput = z.strictObject({ conversationId: ConversationId });

/** `conversations.search` (L9): customer name or message text, any script. */
export const SearchConversationsInput = z.strictObject({
  query: cleanText({ min: 1, max: 100, multiline: false }),
  limit: limitField(50, 20),
});

/** `conversations.list` (N1): `cursor` is the previous page's `nextCursor`. */
export const ConversationsListInput = z.strictObject({
  cursor: z.string().max(200).optional(),
  limit: limitField(100, 30),
});

/** `members.list` (N2): takes nothing but the credential. */
export const MembersListInput = z.strictObject({});

/** `omo.unbind` (O2). */
export const OmoUnbindInput = z.strictObject({ conversationId: ConversationId });

/** `panel.onChange` (B6): live changes of the member's team, optionally of one conversation. */
export const PanelOnChangeInput = z.strictObject({
  conversationId: ConversationId.optional(),
  lastEventId: z.string().max(100).optional(),
});

/** How an integration names a customer's channel account. */
export const IdentityRef = z.strictObject({
  channel: z.enum(CHANNELS),
  externalUserId: externalIdField,
});

/** `ingest.message`: an inbound customer message, or a bot/agent message of the team. */
export const IngestMessageInput = z.strictObject({
  identity: IdentityRef,
  sender: z.enum(SENDER_TYPES),
  content: cleanText({ min: 1, max: 10_000, multiline: true }),
  sentAt: instantField.optional(),
  /** The member who wrote an agent message. */
  agentId: MemberId.optional(),
  /** The customer's name on the channel, used when the customer is new. */
  displayName: displayNameField.optional(),
  /** WhatsApp: the `wa_id` (digits, no `+`) or a business-scoped user id. */
  waId: z
    .string()
    .regex(/^[1-9][0-9]{5,14}$/, { error: "must be 6–15 digits without +" })
    .optional(),
  businessScopedId: externalIdField.optional(),
  /**
   * The channel's own id of this message: a retry with the same id stores nothing more and
   * answers the first result (scope: the team's conversation with this identity).
   */
  externalMessageId: externalIdField.optional(),
});

/** `ingest.pageVisit` (L6): the webchat visitor is on a page. */
export const IngestPageVisitInput = z.strictObject({
  visitorId: externalIdField,
  pageUrl: pageUrlField,
  pageTitle: cleanText({ min: 0, max: 300, multiline: false }).optional(),
});

/** `ingest.pageClosed` (L6): the webchat visitor closed the page. */
export const IngestPageClosedInput = z.strictObject({ visitorId: externalIdField });

/** `ingest.memberLogin` (P4): the pixel saw the visitor logged in as a website member. */
export const IngestMemberLoginInput = z.strictObject({
  visitorId: externalIdField,
  websiteMemberId: externalIdField,
});

/** `ingest.identityBound` (L1, L4): a social identity completed binding to a website member. */
export const IngestIdentityBoundInput = z.strictObject({
  identity: IdentityRef,
  websiteMemberId: externalIdField,
});

const OrderItemInput = z.strictObject({
  sku: externalIdField,
  name: cleanText({ min: 1, max: 200, multiline: false }),
  quantity: z.number().int().min(1).max(100_000),
  unitPrice: z.number().int().min(0).max(1_000_000_000_000),
});

/** `ingest.orders` (L2): orders (upserted by id) and the current cart of one website member. */
export const IngestOrdersInput = z.strictObject({
  websiteMemberId: externalIdField,
  orders: z
    .array(
      z.strictObject({
        orderId: externalIdField,
        placedAt: instantField,
        currency: z.string().regex(/^[A-Z]{3}$/, { error: "must be an ISO 4217 code" }),
        total: z.number().int().min(0).max(1_000_000_000_000),
        items: z.array(OrderItemInput).max(500),
      }),
    )
    .max(500),
  cart: z
    .strictObject({
      currency: z.string().regex(/^[A-Z]{3}$/, { error: "must be an ISO 4217 code" }),
      items: z.array(OrderItemInput).max(500),
    })
    .nullable()
    .optional(),
});

/** `ingest.omoBinding` (O1): the customer of a LINE/WhatsApp identity bound an OMO membership. */
export const IngestOmoBindingInput = z.strictObject({
  identity: IdentityRef,
  omoMemberId: externalIdField,
});

/** `tags.apply` from an integration (T7): methods other than `manual`. */
export const IngestTagInput = z.strictObject({
  customerId: CustomerId,
  name: tagNameField,
  conversationId: ConversationId.optional(),
  method: z.enum(TAG_METHODS).exclude(["manual"]),
  idempotencyKey: idempotencyKeyField.optional(),
});
