import { Either } from "effect";
import { InvalidStateTransition } from "../domain/errors.js";
import type { MemberId } from "../domain/ids.js";
import type { StateDecision } from "../domain/state-decision.js";
import type { ConversationState } from "../domain/vocabulary.js";

/** What moves a conversation (E2). */
export type StateCommand =
  | { readonly type: "customer_message" }
  | { readonly type: "follow_up" }
  | { readonly type: "reopen" }
  | { readonly type: "close" }
  | {
      readonly type: "assign";
      readonly assigneeId: MemberId;
      readonly assigneeName: string;
    };

/** The conversation as the state machine sees it; `state` null = not created yet. */
export interface StateView {
  readonly state: ConversationState | null;
  readonly assigneeId: MemberId | null;
}

const moveTo = (view: StateView, to: ConversationState): StateDecision => ({
  state: to,
  assigneeId: view.assigneeId,
  events: view.state === to ? [] : [{ type: "state_changed", from: view.state, to }],
});

/** E2: a customer message makes a new or closed conversation `pending`; otherwise nothing changes. */
export const onCustomerMessage = (view: StateView): StateDecision =>
  moveTo(view, view.state === null || view.state === "closed" ? "pending" : view.state);

/** A bot or agent message: opens a new conversation as `pending`, otherwise changes nothing. */
export const onTeamMessage = (view: StateView): StateDecision =>
  moveTo(view, view.state ?? "pending");

/**
 * E2: a new customer message makes a new or closed conversation `pending`;
 * following up makes a pending one `in_progress`; reopening makes a closed one
 * `in_progress`; closing makes it `closed`; assignment names the assignee in the
 * log. Repeating a command that is already in effect is a no-op with no entry;
 * a command that makes no sense in the state (follow up a closed conversation,
 * reopen a pending one) is refused.
 */
export const decideStateCommand = (
  view: StateView,
  command: StateCommand,
): Either.Either<StateDecision, InvalidStateTransition> => {
  const state = view.state;
  switch (command.type) {
    case "customer_message":
      return Either.right(onCustomerMessage(view));
    case "follow_up":
      if (state === "closed" || state === null) {
        return Either.left(InvalidStateTransition.of(state ?? "closed", "follow_up"));
      }
      return Either.right(moveTo(view, "in_progress"));
    case "reopen":
      // Reopening an in-progress conversation is already in effect (a retried click);
      // a pending one was never closed, so there is nothing to reopen.
      if (state === "in_progress") return Either.right(moveTo(view, "in_progress"));
      if (state !== "closed") {
        return Either.left(InvalidStateTransition.of(state ?? "pending", "reopen"));
      }
      return Either.right(moveTo(view, "in_progress"));
    case "close":
      if (state === null) return Either.left(InvalidStateTransition.of("pending", "close"));
      return Either.right(moveTo(view, "closed"));
    case "assign": {
      if (state === null) return Either.left(InvalidStateTransition.of("pending", "assign"));
      const same = view.assigneeId === command.assigneeId;
      return Either.right({
        state,
        assigneeId: command.assigneeId,
        events: same
          ? []
          : [
              {
                type: "assigned",
                assigneeId: command.assigneeId,
                assigneeName: command.assigneeName,
              },
            ],
      });
    }
  }
};
