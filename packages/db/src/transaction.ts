import type { SQL } from "drizzle-orm";
import { Effect } from "effect";
import type { Db } from "./database.js";

/** The transaction handle drizzle passes to `db.transaction` (same API as Db). */
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

/** Thrown inside a transaction to roll it back and fail with a domain error. */
class Refusal<E> {
  constructor(readonly error: E) {}
}

/**
 * Runs `body` in one transaction as an Effect. `refuse(error)` rolls everything
 * back and fails the Effect with that domain error; any other exception is a
 * defect (the API layer answers it with a generic error, never the driver's text).
 */
export const transact = <A, E = never>(
  db: Db,
  body: (tx: Tx, refuse: (error: E) => never) => Promise<A>,
): Effect.Effect<A, E> =>
  Effect.tryPromise({
    try: () =>
      db.transaction((tx) =>
        body(tx, (error: E) => {
          throw new Refusal(error);
        }),
      ),
    catch: (cause) => cause,
  }).pipe(
    Effect.catchAll((cause) =>
      cause instanceof Refusal ? Effect.fail(cause.error as E) : Effect.die(cause),
    ),
  );

/** Runs a read (or a single statement) as an Effect; failures are defects. */
export const query = <A>(run: () => Promise<A>): Effect.Effect<A> => Effect.promise(run);

/**
 * Runs raw SQL and returns its rows. Both drivers answer `{ rows }`; drizzle's
 * shared type can not say so, hence the one cast here.
 */
export const rowsOf = async <T>(
  runner: Pick<Db, "execute"> | Pick<Tx, "execute">,
  statement: SQL,
): Promise<T[]> => ((await runner.execute(statement)) as unknown as { rows: T[] }).rows;
