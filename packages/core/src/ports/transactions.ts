import { Context, type Effect } from "effect";

/**
 * One database transaction around a use case's port calls (in the spirit of @effect/sql's
 * `withTransaction`). A use case that must read, decide and write atomically wraps those
 * steps in `withTransaction`: every port call inside runs in the same transaction, in the
 * same fiber; the transaction commits when the effect succeeds and rolls back when it fails
 * with a typed error, dies or is interrupted. A `withTransaction` inside another joins the
 * outer one.
 */
export class Transactions extends Context.Tag("customer-panel/Transactions")<
  Transactions,
  {
    /** Runs `effect` in one transaction (or in the one already open on this fiber). */
    readonly withTransaction: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>;
  }
>() {}
