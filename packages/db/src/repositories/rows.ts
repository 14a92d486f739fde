import type {
  Channel,
  Conversation,
  ConversationId,
  ConversationState,
  Customer,
  CustomerId,
  Identity,
  IdentityId,
  MemberId,
  TeamId,
} from "@customer-panel/core";
import type { conversations, customers, identities } from "../schema.js";

/**
 * Row → domain mappings shared by the repositories. Ids come from our own
 * uuid columns, so they are branded by cast, not re-validated.
 */

/** A customers row as core's Customer. */
export const customerFromRow = (row: typeof customers.$inferSelect): Customer => ({
  id: row.id as CustomerId,
  teamId: row.teamId as TeamId,
  displayName: row.displayName,
  email: row.email,
  phone: row.phone,
  note: row.note,
  memberId: row.memberId,
  createdAt: row.createdAt,
});

/** An identities row as core's Identity. */
export const identityFromRow = (row: typeof identities.$inferSelect): Identity => ({
  id: row.id as IdentityId,
  teamId: row.teamId as TeamId,
  customerId: row.customerId as CustomerId,
  channel: row.channel as Channel,
  externalId: row.externalId,
  waId: row.waId,
  businessScopedId: row.businessScopedId,
  websiteMemberId: row.websiteMemberId,
  boundAt: row.boundAt,
});

/** A conversation id from a uuid column. */
export const conversationIdOf = (id: string): ConversationId => id as ConversationId;

/** A conversations row as core's Conversation (L6: a page only while online). */
export const conversationFromRow = (row: typeof conversations.$inferSelect): Conversation => ({
  id: row.id as ConversationId,
  teamId: row.teamId as TeamId,
  customerId: row.customerId as CustomerId,
  identityId: row.identityId as IdentityId,
  channel: row.channel as Channel,
  state: row.state as ConversationState,
  active: row.active,
  assigneeId: row.assigneeId as MemberId | null,
  presence:
    row.presenceOnline && row.presencePageUrl !== null
      ? {
          online: true,
          pageUrl: row.presencePageUrl,
          pageTitle: row.presencePageTitle,
          since: row.presenceSince ?? row.createdAt,
        }
      : { online: false, since: row.presenceSince },
  lastExportedAt: row.lastExportedAt,
  createdAt: row.createdAt,
});
