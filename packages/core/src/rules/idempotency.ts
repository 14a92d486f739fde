import { Either } from "effect";
import { IdempotencyKeyReused } from "../domain/errors.js";
import type { RememberedAnswer } from "../domain/remembered-answer.js";

/** T8: answer a request anew, or replay the first answer given under its key. */
export type ReplayDecision<A> =
  | { readonly kind: "new" }
  | { readonly kind: "replay"; readonly answer: A };

/**
 * T8: a key never used is a new request; the same key with the same fingerprint replays the
 * first answer (before any other check, so a retry counts once); the same key with another
 * fingerprint is IDEMPOTENCY_KEY_REUSED (`reused` names the field: a tag's idempotency key by
 * default, a channel's message id for ingested messages).
 */
export const decideReplay = <A>(
  remembered: RememberedAnswer<A> | null,
  fingerprint: string,
  reused: () => IdempotencyKeyReused = IdempotencyKeyReused.make,
): Either.Either<ReplayDecision<A>, IdempotencyKeyReused> => {
  if (remembered === null) return Either.right({ kind: "new" });
  if (remembered.fingerprint !== fingerprint) return Either.left(reused());
  return Either.right({ kind: "replay", answer: remembered.answer });
};
