import { Clock, Effect } from "effect";
import { NotFound } from "../domain/errors.js";
import type { ConversationId, CustomerId, MemberId } from "../domain/ids.js";
import type { Cart, Conversation, MemberActor, OmoBinding, Order } from "../domain/model.js";
import type { BoundConversation } from "../domain/panel-snapshot.js";
import { Preferences } from "../ports/directory.js";
import { PanelReader } from "../ports/panel-reader.js";
import { type Capabilities, capabilities } from "../rules/capabilities.js";
import { type CommerceView, ordersSince, visibleCommerce } from "../rules/orders-visibility.js";
import { type LastPageView, lastPageView } from "../rules/presence.js";
import { phoneLockOf } from "../rules/profile-edit.js";
import { boundChannels, websiteMemberOf } from "../rules/website-member.js";
import { capabilityInputOf, requireAction } from "./authorize.js";

/** L2 orders as `panel.get` shows them: an order is named `orderId`, as `ingest.orders` names it. */
export interface PanelCommerce {
  readonly orders: readonly (Omit<Order, "id"> & { readonly orderId: string })[];
  readonly cart: Cart | null;
}

const panelCommerce = ({ orders, cart }: CommerceView): PanelCommerce => ({
  orders: orders.map(({ id, ...order }) => ({ orderId: id, ...order })),
  cart,
});

/** Everything the panel shows for one conversation (`panel.get`). */
export interface PanelView {
  readonly conversation: Pick<
    Conversation,
    "id" | "channel" | "state" | "active" | "lastExportedAt" | "createdAt"
  > & { readonly assignee: { readonly id: MemberId; readonly name: string } | null };
  readonly customer: {
    readonly id: CustomerId;
    readonly displayName: string;
    readonly email: string | null;
    /** P3: for a WhatsApp customer, the WhatsApp number (locked). */
    readonly phone: string | null;
    readonly note: string | null;
    /** P4: the pixel's website member id, shown only with `pixel`; read-only. */
    readonly websiteMemberId: string | null;
  };
  /** P5: the reading member hides the panel. */
  readonly panelHidden: boolean;
  /** Tags on the customer with their counts (T4). */
  readonly tags: readonly {
    readonly tagId: string;
    readonly name: string;
    readonly count: number;
  }[];
  /** L1: other conversations of the same person, for "go to conversation". */
  readonly boundChannels: readonly BoundConversation[];
  /** L2–L4: null when the section is unavailable (see capabilities.viewOrders). */
  readonly commerce: PanelCommerce | null;
  /** L6: null on non-webchat conversations. */
  readonly lastPage: LastPageView | null;
  /** O1: null when the section is not shown; `binding` null when the customer has none. */
  readonly omo: { readonly binding: OmoBinding | null } | null;
  /** X3: every action with available or why not. */
  readonly capabilities: Capabilities;
}

/** `panel.get` (P1, P3–P5, L1–L4, L6, L7, O1, X3): the panel of one conversation. */
export const getPanel = (actor: MemberActor, input: { readonly conversationId: ConversationId }) =>
  Effect.gen(function* () {
    yield* requireAction(actor, "panel.view");
    const now = new Date(yield* Clock.currentTimeMillis);
    const reader = yield* PanelReader;
    const snapshot = yield* reader.load(actor.teamId, input.conversationId, {
      memberId: actor.memberId,
      ordersSince: ordersSince(now),
    });
    if (snapshot === null) return yield* Effect.fail(NotFound.of("conversation"));
    const caps = capabilities(capabilityInputOf(actor, snapshot));
    const { conversation, customer, identity } = snapshot;
    const lock = phoneLockOf(snapshot.identities);
    const memberAccount = websiteMemberOf(conversation.channel, customer, identity);
    const view: PanelView = {
      conversation: {
        id: conversation.id,
        channel: conversation.channel,
        state: conversation.state,
        active: conversation.active,
        lastExportedAt: conversation.lastExportedAt,
        createdAt: conversation.createdAt,
        assignee: snapshot.assignee,
      },
      customer: {
        id: customer.id,
        displayName: customer.displayName,
        email: customer.email,
        phone: lock.locked ? lock.phone : customer.phone,
        note: customer.note,
        websiteMemberId: caps.viewMemberId.available ? customer.memberId : null,
      },
      panelHidden: snapshot.panelHidden,
      tags: snapshot.tags.filter((t) => t.count > 0),
      boundChannels: boundChannels(
        { conversationId: conversation.id, websiteMemberId: memberAccount },
        snapshot.boundConversations,
      ),
      commerce:
        caps.viewOrders.available && memberAccount !== null
          ? panelCommerce(
              visibleCommerce(
                snapshot.orders.filter((o) => o.websiteMemberId === memberAccount),
                snapshot.cart?.websiteMemberId === memberAccount ? snapshot.cart : null,
                now,
              ),
            )
          : null,
      lastPage: caps.viewLastPage.available ? lastPageView(conversation.presence) : null,
      omo: caps.viewOmo.available ? { binding: snapshot.omoBinding } : null,
      capabilities: caps,
    };
    return view;
  });

/** `preferences.setPanelHidden` (P5): remembered per member. */
export const setPanelHidden = (actor: MemberActor, input: { readonly hidden: boolean }) =>
  Effect.gen(function* () {
    yield* requireAction(actor, "preferences.setPanelHidden");
    const preferences = yield* Preferences;
    yield* preferences.setPanelHidden(actor.teamId, actor.memberId, input.hidden);
    return { hidden: input.hidden };
  });
