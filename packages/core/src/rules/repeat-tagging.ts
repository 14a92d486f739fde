import type { TagMethod } from "../domain/vocabulary.js";

/** A tag as it stands on one customer: applications since it was last removed (0 = not on). */
export interface CustomerTagState {
  readonly count: number;
}

/** The decision on one application of a tag (T3, T4). */
export type ApplicationDecision =
  | { readonly kind: "applied"; readonly count: number; readonly repeat: boolean }
  | { readonly kind: "confirmation_required"; readonly count: number };

/** The decision on removing a tag (T5). */
export type RemovalDecision =
  | { readonly kind: "removed"; readonly previousCount: number }
  | { readonly kind: "not_applied" };

/**
 * T3/T4: a tag the customer does not have is applied at once (count 1). Applying a
 * tag the customer already has is not silent: a member must confirm
 * (「要再次貼上此標籤嗎？」), and with confirmation the count goes up by one.
 * Only a member (`manual`) is asked: bots, broadcasts, rules, the API and imports
 * can not answer a prompt, so their repeat applications count directly.
 */
export const decideApplication = (
  state: CustomerTagState,
  request: { readonly method: TagMethod; readonly confirmed: boolean },
): ApplicationDecision => {
  if (state.count === 0) return { kind: "applied", count: 1, repeat: false };
  if (request.method === "manual" && !request.confirmed) {
    return { kind: "confirmation_required", count: state.count };
  }
  return { kind: "applied", count: state.count + 1, repeat: true };
};

/**
 * T5: removing a tag takes it off the customer and restarts its count: the next
 * application starts again at 1 without confirmation. Past applications stay in
 * the history (reports still see them). Removing a tag that is not on is harmless.
 */
export const decideRemoval = (state: CustomerTagState): RemovalDecision =>
  state.count === 0 ? { kind: "not_applied" } : { kind: "removed", previousCount: state.count };
