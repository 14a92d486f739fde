import type { ConversationId } from "../domain/ids.js";
import type { Customer, Identity } from "../domain/model.js";
import type { BoundConversation } from "../domain/panel-snapshot.js";
import type { Channel } from "../domain/vocabulary.js";

/**
 * Which website member account a conversation's customer is known as — the key
 * that links bound channels (L1) and orders (L3, L4):
 * - webchat: the member id the pixel tracked into the profile (P4);
 * - social channels: the member account the identity completed binding to, if it did.
 */
export const websiteMemberOf = (
  channel: Channel,
  customer: Pick<Customer, "memberId">,
  identity: Pick<Identity, "websiteMemberId" | "boundAt">,
): string | null => {
  if (channel === "webchat") return customer.memberId;
  return identity.boundAt !== null ? identity.websiteMemberId : null;
};

/**
 * L1: once the customer completed identity binding and wrote through bound
 * channels, the panel lists those other conversations (one per channel, the most
 * recent), so the member can go to each. Nothing is listed without a member account.
 */
export const boundChannels = (
  current: { readonly conversationId: ConversationId; readonly websiteMemberId: string | null },
  candidates: readonly BoundConversation[],
): BoundConversation[] => {
  if (current.websiteMemberId === null) return [];
  const latest = new Map<Channel, BoundConversation>();
  for (const c of candidates) {
    if (c.conversationId === current.conversationId) continue;
    if (c.websiteMemberId !== current.websiteMemberId) continue;
    // L1 lists channels the customer has written through, so a conversation with no message yet is not one.
    if (c.lastMessageAt === null) continue;
    const seen = latest.get(c.channel);
    if (!seen || c.lastMessageAt.getTime() > (seen.lastMessageAt?.getTime() ?? 0)) {
      latest.set(c.channel, c);
    }
  }
  return [...latest.values()].sort(
    (a, b) => (b.lastMessageAt?.getTime() ?? 0) - (a.lastMessageAt?.getTime() ?? 0),
  );
};
