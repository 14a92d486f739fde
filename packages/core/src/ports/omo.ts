import { Context, type Effect } from "effect";
import type { Author } from "../domain/author.js";
import type { ConversationId, CustomerId, TeamId } from "../domain/ids.js";

/** OMO bindings (O2). */
export class Omo extends Context.Tag("customer-panel/Omo")<
  Omo,
  {
    /** Removes the customer's binding and logs it on the conversation; false when there was none. */
    readonly unbind: (
      teamId: TeamId,
      customerId: CustomerId,
      log: { readonly conversationId: ConversationId; readonly author: Author; readonly at: Date },
    ) => Effect.Effect<boolean>;
  }
>() {}
