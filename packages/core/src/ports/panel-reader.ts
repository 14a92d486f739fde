import { Context, type Effect } from "effect";
import type { ConversationId, MemberId, TeamId } from "../domain/ids.js";
import type { PanelSnapshot } from "../domain/panel-snapshot.js";

/** Reads the panel. */
export class PanelReader extends Context.Tag("customer-panel/PanelReader")<
  PanelReader,
  {
    /** The snapshot, or null when the conversation is missing or another team's. */
    readonly load: (
      teamId: TeamId,
      conversationId: ConversationId,
      reader: { readonly memberId: MemberId; readonly ordersSince: Date },
    ) => Effect.Effect<PanelSnapshot | null>;
  }
>() {}
