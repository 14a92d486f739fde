import type { SQL } from "drizzle-orm";
import { Effect, Exit, FiberRef } from "effect";
import type { Db } from "./database.js";

/** The transaction handle drizzle passes to `db.transaction` (same API as Db). */
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

/** Thrown inside a transaction to roll it back and fail with a domain error. */
class Refusal<E> {
  constructor(readonly error: E) {}
}

/**
 * The transaction open on this fiber (`Transactions.withTransaction`), or null: the
 * repositories' port methods run their statements on it when there is one.
 */
export const currentTransaction = FiberRef.unsafeMake<Tx | null>(null);

/** The handle a port method runs on: this fiber's transaction, or the database. */
export const handleOf = (db: Db): Effect.Effect<Db | Tx> =>
  Effect.map(FiberRef.get(currentTransaction), (tx) => tx ?? db);

/** Runs one statement (or a few) on this fiber's transaction, or on the database. */
export const onHandle = <A>(db: Db, run: (handle: Db | Tx) => Promise<A>): Effect.Effect<A> =>
  Effect.flatMap(handleOf(db), (handle) => Effect.promise(() => run(handle)));

const ROLLBACK = Symbol("rollback");

/** A transaction drizzle holds open while this fiber runs; `end` commits or rolls it back. */
interface OpenTransaction {
  readonly tx: Tx;
  readonly end: (commit: boolean) => Promise<void>;
}

// drizzle's `transaction` takes a callback; the callback hands its handle to the waiting fiber
// and then waits to be told commit or rollback. No second runtime, no forked fiber: the use
// case's statements run on this fiber, and drizzle keeps BEGIN/COMMIT/ROLLBACK, the pool
// checkout (node-postgres) and PGlite's one-transaction-at-a-time mutex.
const begin = (db: Db): Effect.Effect<OpenTransaction> =>
  Effect.async<OpenTransaction>((resume) => {
    let decide: (commit: boolean) => void = () => undefined;
    const decided = new Promise<boolean>((resolve) => {
      decide = resolve;
    });
    let started = false;
    const done: Promise<void> = db
      .transaction(async (tx) => {
        started = true;
        resume(
          Effect.succeed({
            tx,
            end: async (commit) => {
              decide(commit);
              await done;
            },
          }),
        );
        if (!(await decided)) throw ROLLBACK;
      })
      .catch((cause: unknown) => {
        if (!started) resume(Effect.die(cause));
        else if (cause !== ROLLBACK) throw cause;
      });
  });

/**
 * `Transactions.withTransaction` on this database: `effect` runs with this fiber's
 * transaction set; success commits, a failure, defect or interruption rolls back; inside
 * an open transaction it simply joins it. A failed COMMIT is a defect.
 */
export const withTransaction =
  (db: Db) =>
  <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Effect.flatMap(FiberRef.get(currentTransaction), (open) =>
      open !== null
        ? effect
        : Effect.acquireUseRelease(
            begin(db),
            ({ tx }) => Effect.locally(effect, currentTransaction, tx),
            ({ end }, exit) => Effect.promise(() => end(Exit.isSuccess(exit))),
          ),
    );

/**
 * Runs `body` in one transaction as an Effect (joining this fiber's transaction when one is
 * open). `refuse(error)` rolls everything
 * back and fails the Effect with that domain error; any other exception is a
 * defect (the API layer answers it with a generic error, never the driver's text).
 */
export const transact = <A, E = never>(
  db: Db,
  body: (tx: Tx, refuse: (error: E) => never) => Promise<A>,
): Effect.Effect<A, E> =>
  Effect.flatMap(FiberRef.get(currentTransaction), (open) => {
    const refuse = (error: E): never => {
      throw new Refusal(error);
    };
    return Effect.tryPromise({
      try: () => (open === null ? db.transaction((tx) => body(tx, refuse)) : body(open, refuse)),
      catch: (cause) => cause,
    });
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
