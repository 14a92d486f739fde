import { Effect, FiberRef, Layer } from "effect";
import { Transactions } from "../../../src/adapter.js";
import type { InMemoryState } from "./state.js";

type Snapshot = Map<string, unknown>;

// A shallow copy of every collection: stored entries are replaced, never changed in place.
const copyOf = (value: unknown): unknown => {
  if (value instanceof Map) return new Map(value);
  if (Array.isArray(value)) return [...value];
  return { ...(value as object) };
};

const snapshotOf = (state: InMemoryState): Snapshot =>
  new Map(Object.entries(state).map(([name, value]) => [name, copyOf(value)]));

// Puts every collection back as it was, in place (the ports hold the same objects).
const restore = (state: InMemoryState, snapshot: Snapshot): void => {
  for (const [name, saved] of snapshot) {
    const current = (state as unknown as Record<string, unknown>)[name];
    if (current instanceof Map && saved instanceof Map) {
      current.clear();
      for (const [k, v] of saved) current.set(k, v);
    } else if (Array.isArray(current) && Array.isArray(saved)) {
      current.splice(0, current.length, ...saved);
    } else {
      Object.assign(current as object, saved);
    }
  }
};

/**
 * Transactions over the in-memory state: one transaction at a time (a lock), the state
 * snapshotted when it begins and restored when it fails, dies or is interrupted; a
 * transaction inside another joins it.
 */
export const transactionsLayer = (state: InMemoryState) => {
  // Made once per world, so programs run with separate `provide`s still take turns.
  const lock = Effect.unsafeMakeSemaphore(1);
  const open = FiberRef.unsafeMake(false);
  return Layer.succeed(Transactions, {
    withTransaction: (effect) =>
      Effect.flatMap(FiberRef.get(open), (joined) =>
        joined
          ? effect
          : lock.withPermits(1)(
              Effect.acquireUseRelease(
                Effect.sync(() => snapshotOf(state)),
                () => Effect.locally(effect, open, true),
                (snapshot, exit) =>
                  Effect.sync(() => {
                    if (exit._tag === "Failure") restore(state, snapshot);
                  }),
              ),
            ),
      ),
  });
};
