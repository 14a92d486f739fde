import { Effect, Layer } from "effect";
import { PanelReader, type PanelSnapshot } from "../../../src/adapter.js";
import {
  type BoundConversation,
  type Cart,
  type Customer,
  type Identity,
  type Order,
  websiteMemberOf,
} from "../../../src/index.js";
import { conversationIn, customerIn, identitiesOf, lastMessageAt, memberIn } from "./lookups.js";
import { type InMemoryState, key, type StoredCart } from "./state.js";

/** The website member accounts a customer is known as: the pixel's (P4) and every bound identity's (L4). */
const accountsOf = (customer: Customer, identities: readonly Identity[]): Set<string> => {
  const accounts = new Set<string>();
  if (customer.memberId !== null) accounts.add(customer.memberId);
  for (const i of identities) {
    if (i.boundAt !== null && i.websiteMemberId !== null) accounts.add(i.websiteMemberId);
  }
  return accounts;
};

const cartOf = (cart: StoredCart, customer: Customer): Cart => ({
  customerId: customer.id,
  updatedAt: cart.updatedAt,
  currency: cart.currency,
  items: cart.items,
  websiteMemberId: cart.websiteMemberId,
});

/** L1 candidates: every conversation of the team whose person is one of `accounts`. */
const boundConversationsOf = (
  state: InMemoryState,
  teamId: Customer["teamId"],
  accounts: ReadonlySet<string>,
): BoundConversation[] => {
  const found: BoundConversation[] = [];
  for (const c of state.conversations.values()) {
    if (c.teamId !== teamId) continue;
    const identity = state.identities.get(c.identityId);
    const customer = customerIn(state, teamId, c.customerId);
    if (identity === undefined || customer === undefined) continue;
    const account = websiteMemberOf(c.channel, customer, identity);
    if (account === null || !accounts.has(account)) continue;
    found.push({
      conversationId: c.id,
      channel: c.channel,
      websiteMemberId: account,
      lastMessageAt: lastMessageAt(state, c.id),
    });
  }
  return found;
};

/** PanelReader over the in-memory state. */
export const panelReaderLayer = (state: InMemoryState) =>
  Layer.succeed(PanelReader, {
    load: (teamId, conversationId, reader) =>
      Effect.sync((): PanelSnapshot | null => {
        const team = state.teams.get(teamId);
        const conversation = conversationIn(state, teamId, conversationId);
        if (team === undefined || conversation === undefined) return null;
        const customer = customerIn(state, teamId, conversation.customerId);
        const identity = state.identities.get(conversation.identityId);
        if (customer === undefined || identity?.teamId !== teamId) return null;
        const identities = identitiesOf(state, customer);
        const assignee = memberIn(state, teamId, conversation.assigneeId);
        const accounts = accountsOf(customer, identities);
        const orders: Order[] = [...state.orders.values()]
          .filter(
            (o) =>
              o.teamId === teamId &&
              o.websiteMemberId !== null &&
              accounts.has(o.websiteMemberId) &&
              o.placedAt >= reader.ordersSince,
          )
          .map((o) => ({
            id: o.id,
            customerId: customer.id,
            placedAt: o.placedAt,
            currency: o.currency,
            total: o.total,
            items: o.items,
            websiteMemberId: o.websiteMemberId,
          }))
          .sort((a, b) => b.placedAt.getTime() - a.placedAt.getTime());
        // The cart of the account this conversation is known as, else the customer's newest.
        const current = websiteMemberOf(conversation.channel, customer, identity);
        const carts = [...accounts]
          .map((account) => state.carts.get(key(teamId, account)))
          .filter((c): c is StoredCart => c !== undefined)
          .sort((a, b) => b.updatedAt.getTime() - a.updatedAt.getTime());
        const cart = carts.find((c) => c.websiteMemberId === current) ?? carts[0];
        const tags = [...state.tags.values()]
          .filter((t) => t.teamId === teamId)
          .map((t) => ({
            tagId: t.id,
            name: t.name,
            count: state.customerTags.get(key(customer.id, t.id)) ?? 0,
          }))
          .filter((t) => t.count > 0);
        const omo = state.omo.get(customer.id);
        return {
          team,
          conversation,
          identity,
          customer,
          identities,
          assignee: assignee ? { id: assignee.id, name: assignee.name } : null,
          boundConversations: boundConversationsOf(state, teamId, accounts),
          tags,
          orders,
          cart: cart ? cartOf(cart, customer) : null,
          omoBinding:
            omo?.teamId === teamId
              ? { customerId: omo.customerId, omoMemberId: omo.omoMemberId, boundAt: omo.boundAt }
              : null,
          panelHidden: state.preferences.get(key(teamId, reader.memberId))?.panelHidden ?? false,
        };
      }),
  });
