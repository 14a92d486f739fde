import { z } from "zod";
import { ConversationId, CustomerId, MemberId } from "../domain/ids.js";
import { CLIENTS, CONVERSATION_STATES, PLAN_FEATURES, ROLES } from "../domain/vocabulary.js";
import { PANEL_CAPABILITIES, type PanelCapability } from "../rules/capabilities.js";
import {
  ChannelOutput,
  CustomerProfileOutput,
  CustomerTagOutput,
  LastPageOutput,
  OmoBindingOutput,
  OrderItemOutput,
} from "./output-parts.js";

const roles = z.array(z.enum(ROLES));

/** One reason a capability is unavailable (X3); every reason carries a human `message`. */
export const ReasonOutput = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("role"),
    role: z.enum(ROLES),
    allowedRoles: roles,
    message: z.string(),
  }),
  z.strictObject({
    kind: z.literal("feature"),
    feature: z.enum(PLAN_FEATURES),
    message: z.string(),
  }),
  z.strictObject({
    kind: z.literal("client"),
    client: z.enum(CLIENTS),
    allowedClients: z.array(z.enum(CLIENTS)),
    message: z.string(),
  }),
  z.strictObject({
    kind: z.literal("channel"),
    channel: ChannelOutput,
    allowedChannels: z.array(ChannelOutput),
    message: z.string(),
  }),
  z.strictObject({ kind: z.literal("binding"), channel: ChannelOutput, message: z.string() }),
  z.strictObject({
    kind: z.literal("locked"),
    field: z.literal("phone"),
    source: z.literal("whatsapp"),
    message: z.string(),
  }),
  z.strictObject({ kind: z.literal("omo_binding"), message: z.string() }),
]);

/** One capability: available, or unavailable with at least one reason (X3). */
export const CapabilityOutput = z.discriminatedUnion("available", [
  z.strictObject({ available: z.literal(true) }),
  z.strictObject({
    available: z.literal(false),
    reasons: z.tuple([ReasonOutput], ReasonOutput),
  }),
]);

/** Every panel capability, each answered (X3). */
export const CapabilitiesOutput = z.strictObject(
  Object.fromEntries(PANEL_CAPABILITIES.map((c) => [c, CapabilityOutput])) as Record<
    PanelCapability,
    typeof CapabilityOutput
  >,
);

/** An order placed on the team's website (L2), newest first in `panel.get`. */
export const OrderOutput = z.strictObject({
  orderId: z.string(),
  customerId: CustomerId,
  placedAt: z.date(),
  currency: z.string(),
  total: z.number().int(),
  items: z.array(OrderItemOutput),
  websiteMemberId: z.string().nullable(),
});

/** The customer's current cart (L2). */
export const CartOutput = z.strictObject({
  customerId: CustomerId,
  updatedAt: z.date(),
  currency: z.string(),
  items: z.array(OrderItemOutput),
  websiteMemberId: z.string().nullable(),
});

/** `panel.get` (P1, P3–P5, L1–L4, L6, L7, O1, X3): everything the panel shows. */
export const PanelGetOutput = z.strictObject({
  conversation: z.strictObject({
    id: ConversationId,
    channel: ChannelOutput,
    state: z.enum(CONVERSATION_STATES),
    active: z.boolean(),
    /** L7: when the conversation was last exported, or null. */
    lastExportedAt: z.date().nullable(),
    createdAt: z.date(),
    assignee: z.strictObject({ id: MemberId, name: z.string() }).nullable(),
  }),
  customer: CustomerProfileOutput,
  /** P5: the reading member hides the panel. */
  panelHidden: z.boolean(),
  /** T4: tags on the customer with their counts. */
  tags: z.array(CustomerTagOutput),
  /** L1: the latest conversation of each other channel of the same person. */
  boundChannels: z.array(
    z.strictObject({
      conversationId: ConversationId,
      channel: ChannelOutput,
      websiteMemberId: z.string().nullable(),
      lastMessageAt: z.date().nullable(),
    }),
  ),
  /** L2–L4: null when the section is unavailable (see `capabilities.viewOrders`). */
  commerce: z
    .strictObject({ orders: z.array(OrderOutput), cart: CartOutput.nullable() })
    .nullable(),
  /** L6: null on conversations other than webchat. */
  lastPage: LastPageOutput.nullable(),
  /** O1: null when the section is not shown; `binding` null when the customer has none. */
  omo: z.strictObject({ binding: OmoBindingOutput.nullable() }).nullable(),
  capabilities: CapabilitiesOutput,
});
