import { z } from "zod";
import {
  ConversationId,
  CustomerId,
  EventId,
  IdentityId,
  MemberId,
  MessageId,
  TagId,
  TeamId,
} from "../domain/ids.js";
import { CONVERSATION_STATES, PANEL_CHANGE_KINDS, ROLES } from "../domain/vocabulary.js";
import {
  AuthorOutput,
  ChannelOutput,
  CustomerProfileOutput,
  DownloadLinkOutput,
  LastPageOutput,
  OmoBindingOutput,
  TagApplyOutput,
} from "./output-parts.js";

/**
 * Output schemas of every public operation: what the router answers, field for field.
 * Objects are strict, so a field the schema does not name fails the contract test
 * (packages/trpc/test/contract.test.ts), and the JSON Schemas in packages/client/schemas
 * are generated from them. Dates are `Date` here; superjson carries them as ISO strings.
 */

export { PanelGetOutput } from "./panel-output.js";
export { TagApplyOutput };

const state = z.enum(CONVERSATION_STATES);

/** `profile.update` (P2, P6): the profile now, and each changed field. */
export const ProfileUpdateOutput = z.strictObject({
  customer: CustomerProfileOutput.omit({ websiteMemberId: true }),
  changes: z.array(
    z.strictObject({
      field: z.enum(["displayName", "email", "phone", "note"]),
      from: z.string().nullable(),
      to: z.string().nullable(),
    }),
  ),
});

/** `preferences.setPanelHidden` (P5). */
export const SetPanelHiddenOutput = z.strictObject({ hidden: z.boolean() });

const eventBase = {
  id: EventId,
  conversationId: ConversationId,
  at: z.date(),
  /** The member responsible, or null for the customer or the system. */
  memberId: MemberId.nullable(),
  memberName: z.string().nullable(),
};

/** One entry of a conversation's event log (E1, E2). */
export const ConversationEventOutput = z.discriminatedUnion("type", [
  z.strictObject({
    ...eventBase,
    type: z.literal("state_changed"),
    from: state.nullable(),
    to: state,
  }),
  z.strictObject({
    ...eventBase,
    type: z.literal("assigned"),
    assigneeId: MemberId,
    assigneeName: z.string(),
  }),
  z.strictObject({ ...eventBase, type: z.literal("blocked") }),
  z.strictObject({ ...eventBase, type: z.literal("unblocked") }),
  z.strictObject({
    ...eventBase,
    type: z.literal("exported"),
    format: z.enum(["csv", "xlsx", "email"]),
  }),
  z.strictObject({ ...eventBase, type: z.literal("omo_unbound") }),
]);

/** `events.list` (E1): newest first; `nextCursor` null on the last page. */
export const EventsListOutput = z.strictObject({
  events: z.array(ConversationEventOutput),
  nextCursor: z.string().nullable(),
});

/** `tags.suggest` (T2): prefix matches first, then the most used. */
export const TagsSuggestOutput = z.array(
  z.strictObject({ tagId: TagId, name: z.string(), uses: z.number().int().min(0) }),
);

/** `tags.remove` (T5): `previousCount` 0 when the tag was not on the customer. */
export const TagsRemoveOutput = z.strictObject({
  tagId: TagId,
  name: z.string(),
  removed: z.boolean(),
  previousCount: z.number().int().min(0),
});

/** `tags.frequency` (T6): most applied first; `range` null when no dates were given. */
export const TagsFrequencyOutput = z.strictObject({
  range: z.strictObject({ from: z.string(), to: z.string() }).nullable(),
  tags: z.array(
    z.strictObject({
      tagId: TagId,
      name: z.string(),
      applications: z.number().int().min(1),
      lastAppliedAt: z.date(),
    }),
  ),
});

/** `tagReports.stats` / `tagReports.records` (R1–R4): the window read, and the CSV link. */
export const TagReportOutput = DownloadLinkOutput.extend({
  window: z.strictObject({
    from: z.string(),
    to: z.string(),
    days: z.number().int().min(1),
    timeZone: z.string(),
  }),
});

/** `conversations.setStatus` (L5). */
export const SetStatusOutput = z.strictObject({
  conversationId: ConversationId,
  active: z.boolean(),
});

/** `conversations.changeState` (E2). */
export const ChangeStateOutput = z.strictObject({
  conversationId: ConversationId,
  state,
  assigneeId: MemberId.nullable(),
});

/** `conversations.export` (L7, L8): a CSV or XLSX link, or an email export queued. */
export const ExportConversationOutput = z.discriminatedUnion("format", [
  DownloadLinkOutput.extend({ format: z.literal("csv") }),
  DownloadLinkOutput.extend({ format: z.literal("xlsx") }),
  z.strictObject({
    format: z.literal("email"),
    exportId: z.string(),
    status: z.literal("queued"),
  }),
]);

/** `conversations.delete` (L9, B5): a receipt of what was erased — counts, never content. */
export const DeleteConversationOutput = z.strictObject({
  conversationId: ConversationId,
  deletedAt: z.date(),
  deletedBy: AuthorOutput,
  messages: z.number().int().min(0),
  events: z.number().int().min(0),
  pendingExports: z.number().int().min(0),
  /** True when it had already been deleted: this repeats the first receipt. */
  alreadyDeleted: z.boolean(),
});

/** `conversations.search` (L9): `snippet` null when the customer's name matched. */
export const SearchConversationsOutput = z.array(
  z.strictObject({
    conversationId: ConversationId,
    customerId: CustomerId,
    customerName: z.string(),
    channel: ChannelOutput,
    snippet: z.string().nullable(),
  }),
);

/** `conversations.list` (N1): most recently active first; `nextCursor` null on the last page. */
export const ConversationsListOutput = z.strictObject({
  conversations: z.array(
    z.strictObject({
      conversationId: ConversationId,
      customerId: CustomerId,
      customerName: z.string(),
      channel: ChannelOutput,
      state,
      active: z.boolean(),
      assigneeId: MemberId.nullable(),
      lastMessageAt: z.date().nullable(),
      lastMessageSnippet: z.string().nullable(),
    }),
  ),
  nextCursor: z.string().nullable(),
});

/** `members.list` (N2): the team's members, by name. */
export const MembersListOutput = z.array(
  z.strictObject({ memberId: MemberId, name: z.string(), role: z.enum(ROLES) }),
);

/** `omo.unbind` (O2). */
export const OmoUnbindOutput = z.strictObject({ unbound: z.literal(true) });

/** `panel.onChange` (B6): one change (the SSE `id:` is its resume id); reload what it names. */
export const PanelChangeOutput = z.strictObject({
  teamId: TeamId,
  conversationId: ConversationId.nullable(),
  customerId: CustomerId.nullable(),
  kind: z.enum(PANEL_CHANGE_KINDS),
  at: z.date(),
});

/** `ingest.message`: where the message landed; `replayed` for a retry (same `externalMessageId`). */
export const IngestMessageOutput = z.strictObject({
  messageId: MessageId,
  conversationId: ConversationId,
  customerId: CustomerId,
  createdConversation: z.boolean(),
  replayed: z.boolean(),
});

/** `ingest.pageVisit` / `ingest.pageClosed` (L6): the presence now, as `panel.get` shows it. */
export const IngestPresenceOutput = z.strictObject({
  conversationId: ConversationId,
  lastPage: LastPageOutput,
});

/** `ingest.memberLogin` (P4): `filled` when the profile took the website member id now. */
export const IngestMemberLoginOutput = z.strictObject({
  customerId: CustomerId,
  filled: z.boolean(),
  websiteMemberId: z.string().nullable(),
});

/** `ingest.identityBound` (L1, L4). */
export const IngestIdentityBoundOutput = z.strictObject({
  identityId: IdentityId,
  customerId: CustomerId,
  boundAt: z.date(),
});

/** `ingest.orders` (L2): how many orders were stored. */
export const IngestOrdersOutput = z.strictObject({ orders: z.number().int().min(0) });

/** `ingest.omoBinding` (O1): the binding stored. */
export const IngestOmoBindingOutput = OmoBindingOutput;
