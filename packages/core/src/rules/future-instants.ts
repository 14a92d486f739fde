import { Either } from "effect";
import { type FieldIssue, ValidationFailed } from "../domain/errors.js";

/**
 * How far ahead of the server's clock an integration's time (`sentAt`, `placedAt`) may be:
 * five minutes. Clocks of synchronised servers differ by seconds; anything further ahead is a
 * wrong clock or a wrong zone, and would count as "recent" (L2's 90 days) for years.
 */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;

/** The message a time too far in the future gets. */
export const FUTURE_INSTANT_MESSAGE = "must not be more than 5 minutes in the future";

/** One time an integration sent, with the input path that names it (`orders.0.placedAt`). */
export interface SentInstant {
  readonly field: string;
  readonly at: Date;
}

/**
 * X4, L2, L5: refuses every time more than {@link MAX_CLOCK_SKEW_MS} after `now`, naming each
 * offending field. Pure: `now` is the caller's clock.
 */
export const refuseFutureInstants = (
  instants: readonly SentInstant[],
  now: Date,
): Either.Either<void, ValidationFailed> => {
  const latest = now.getTime() + MAX_CLOCK_SKEW_MS;
  const issues: FieldIssue[] = instants
    .filter((instant) => instant.at.getTime() > latest)
    .map((instant) => ({ field: instant.field, message: FUTURE_INSTANT_MESSAGE }));
  return issues.length === 0 ? Either.void : Either.left(ValidationFailed.of(issues));
};
