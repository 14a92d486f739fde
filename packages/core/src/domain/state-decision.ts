import type { MemberId } from "./ids.js";
import type { ConversationEventKind } from "./model.js";
import type { ConversationState } from "./vocabulary.js";

/** The next state and the log entries the command writes (nothing when it changes nothing). */
export interface StateDecision {
  readonly state: ConversationState;
  readonly assigneeId: MemberId | null;
  readonly events: readonly ConversationEventKind[];
}
