import type { Delivery } from "./results.js";

/**
 * What one subscriber received, kept in O(1) memory: ids arrive in increasing order on a
 * healthy stream (live changes in id order; a resumed stream replays after its last id), so a
 * strictly increasing sequence proves no id came twice, and its count, sum and range compared
 * with what was published prove none is missing.
 */
export interface Tally {
  count: number;
  sum: number;
  /** The smallest id received (0 before the first). */
  min: number;
  max: number;
  /** Ids that were not larger than the one before: a duplicate or a reordering. */
  notIncreasing: number;
  /** Errors the subscription ended with (it is not resumed after one). */
  errors: number;
  /** Times the client reconnected by itself (e.g. after SUBSCRIBER_TOO_SLOW), resuming. */
  reconnects: number;
}

/** An empty tally. */
export const newTally = (): Tally => ({
  count: 0,
  sum: 0,
  min: 0,
  max: 0,
  notIncreasing: 0,
  errors: 0,
  reconnects: 0,
});

/** Counts one received id. */
export const countId = (tally: Tally, id: number): void => {
  if (id <= tally.max) tally.notIncreasing += 1;
  tally.min = tally.count === 0 ? id : Math.min(tally.min, id);
  tally.max = Math.max(tally.max, id);
  tally.count += 1;
  tally.sum += id;
};

/** The published changes every subscriber must receive: count, id sum and range. */
export interface Expected {
  readonly count: number;
  readonly sum: number;
  readonly min: number;
  readonly max: number;
}

/** A subscriber got exactly the expected changes, each once. */
export const receivedExactly = (tally: Tally, expected: Expected): boolean =>
  tally.notIncreasing === 0 &&
  tally.errors === 0 &&
  tally.count === expected.count &&
  tally.sum === expected.sum &&
  tally.min === expected.min &&
  tally.max === expected.max;

/** Changes received by all subscribers together. */
export const received = (tallies: readonly Tally[]): number =>
  tallies.reduce((n, t) => n + t.count, 0);

/** What the tallies say about delivery, at the end and when the last change was published. */
export const deliveryOf = (run: {
  readonly final: readonly Tally[];
  readonly atLoadEnd: readonly Tally[];
  readonly expected: Expected;
  readonly subscribers: number;
  readonly drainSeconds: number;
  readonly windowSeconds: number;
}): Delivery => {
  const total = run.expected.count * run.subscribers;
  const complete = run.final.filter((t) => receivedExactly(t, run.expected)).length;
  const sum = (pick: (t: Tally) => number) => run.final.reduce((n, t) => n + pick(t), 0);
  return {
    exactlyOnce: complete === run.subscribers && run.final.length === run.subscribers,
    subscribersComplete: complete,
    delivered: received(run.final),
    expected: total,
    notIncreasing: sum((t) => t.notIncreasing),
    errors: sum((t) => t.errors),
    reconnects: sum((t) => t.reconnects),
    shareAtLoadEnd: received(run.atLoadEnd) / total,
    drainSeconds: run.drainSeconds,
    perSecond: received(run.final) / run.windowSeconds,
  };
};
