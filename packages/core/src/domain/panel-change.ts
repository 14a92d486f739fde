import type { ConversationId, CustomerId, TeamId } from "./ids.js";
import type { PanelChangeKind } from "./vocabulary.js";

/** A change members of the team may want to see at once (B6). */
export interface PanelChange {
  readonly teamId: TeamId;
  readonly conversationId: ConversationId | null;
  readonly customerId: CustomerId | null;
  readonly kind: PanelChangeKind;
  readonly at: Date;
}
