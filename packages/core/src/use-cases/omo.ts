import { Clock, Effect } from "effect";
import { NotFound } from "../domain/errors.js";
import type { ConversationId } from "../domain/ids.js";
import type { MemberActor } from "../domain/model.js";
import { ChangeFeed } from "../ports/change-feed.js";
import { Omo } from "../ports/omo.js";
import { PanelReader } from "../ports/panel-reader.js";
import { ordersSince } from "../rules/orders-visibility.js";
import { capabilityInputOf, requireAction, requireCapability } from "./authorize.js";

/**
 * `omo.unbind` (O1, O2): only on LINE and WhatsApp conversations of teams with `omo`,
 * by admin, supervisor, sales or sales_manager; a customer with no binding is NotFound.
 */
export const unbindOmo = (actor: MemberActor, input: { readonly conversationId: ConversationId }) =>
  Effect.gen(function* () {
    yield* requireAction(actor, "omo.unbind");
    const at = new Date(yield* Clock.currentTimeMillis);
    const reader = yield* PanelReader;
    const snapshot = yield* reader.load(actor.teamId, input.conversationId, {
      memberId: actor.memberId,
      ordersSince: ordersSince(at),
    });
    if (snapshot === null) return yield* Effect.fail(NotFound.of("conversation"));
    yield* requireCapability(
      "unbindOmo",
      "omo.unbind",
      capabilityInputOf(actor, snapshot),
      "omo_binding",
    );
    const omo = yield* Omo;
    const unbound = yield* omo.unbind(actor.teamId, snapshot.customer.id, {
      conversationId: input.conversationId,
      author: { memberId: actor.memberId, memberName: actor.name },
      at,
    });
    if (!unbound) return yield* Effect.fail(NotFound.of("omo_binding"));
    const feed = yield* ChangeFeed;
    yield* feed.publish({
      teamId: actor.teamId,
      conversationId: input.conversationId,
      customerId: snapshot.customer.id,
      kind: "omo",
      at,
    });
    return { unbound: true as const };
  });
