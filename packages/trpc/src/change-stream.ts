import { randomUUID } from "node:crypto";
import { ServerShuttingDown, SubscriberTooSlow, type TeamId } from "@customer-panel/core";
import type { Database } from "@customer-panel/db";
import {
  CHANGES_CHANNEL,
  latestPanelChangeId,
  panelChangesPage,
} from "@customer-panel/db/repositories";
import { type KeptListen, keepListening, type ReconnectOptions } from "./change-listener.js";
import { type Heard, parseNotification, positionOf } from "./change-notification.js";
import type { ChangeStream, ChangeSubscription, TrackedChange } from "./context.js";

/** Options of {@link createChangeStream}. */
export interface ChangeStreamOptions {
  /** Stored changes read per page when a subscriber catches up (resume, reconnect); default 500. */
  readonly pageSize?: number;
  /** Changes waiting for one subscriber before it is dropped as too slow; default 1 000. */
  readonly maxQueue?: number;
  /** How long an ended subscriber that stopped reading may keep its connection; default 10 s. */
  readonly stallTimeoutMs?: number;
  /** Backoff of the LISTEN connection after PostgreSQL drops it. */
  readonly reconnect?: ReconnectOptions;
}

/** A change stream that owns one LISTEN connection; close it with the server. */
export interface ClosableChangeStream extends ChangeStream {
  /**
   * Subscriptions past their backlog, so every later change reaches them; a finished,
   * aborted or dropped one is gone (nothing leaks).
   */
  readonly subscriberCount: () => number;
  /**
   * Subscriptions not finished yet, live or not: one that ended while stalled in a write
   * counts until its connection is cut.
   */
  readonly openCount: () => number;
  /** Starts the LISTEN now instead of at the first subscriber (a server that wants to be ready). */
  readonly listen: () => void;
  /** True while the LISTEN is active (readiness). */
  readonly connected: () => boolean;
  /**
   * Graceful shutdown: ends every subscription with SERVER_SHUTTING_DOWN (carrying its last
   * event id, so the client resumes on another server) and refuses new ones the same way.
   */
  readonly drain: () => void;
  /** Ends every subscription and the LISTEN. */
  readonly close: () => Promise<void>;
}

// Fan-out work per turn of the event loop (issue 14 fan-out): at most this many
// notifications, and at most WORK_PER_TURN deliveries to subscribers, then other work runs.
const NOTIFICATIONS_PER_TURN = 100;
const WORK_PER_TURN = 4_000;
// Notifications waiting for fan-out before the stream gives up on them and every subscriber
// catches up from `panel_changes` instead (a bound on memory under a flood).
const MAX_INCOMING = 50_000;
// Changes ALL subscribers of the process yield per turn of the event loop, together: past
// it they wait for the next turn, so requests are served between (issue 14 fan-out). More
// than a turn of fan-out adds to one subscriber, so a lone reader keeps up.
const YIELDS_PER_TURN = 200;
// Stored ids a subscriber remembers, so a change both replayed and heard is yielded once.
const REMEMBERED_IDS = 4_096;

interface Subscriber {
  readonly teamId: string;
  readonly conversationId: string | null;
  readonly queue: Heard[];
  wake: (() => void) | null;
  ended: boolean;
  finished: boolean;
  failure: SubscriberTooSlow | ServerShuttingDown | null;
  catchUp: boolean;
  lastEventId: string | null;
  stallTimer: NodeJS.Timeout | null;
  readonly disconnect: (() => void) | undefined;
}

/** The process-wide budget of yields per event-loop turn. */
const yieldBudget = () => {
  let left = YIELDS_PER_TURN;
  let nextTurn: Promise<void> | null = null;
  const refill = () => {
    nextTurn ??= new Promise<void>((resolve) =>
      setImmediate(() => {
        left = YIELDS_PER_TURN;
        nextTurn = null;
        resolve();
      }),
    );
    return nextTurn;
  };
  /** Takes one yield; true when the caller must first await `wait()`. */
  return {
    take: (): boolean => {
      if (left <= 0) return true;
      left -= 1;
      return false;
    },
    wait: refill,
  };
};

/** Ids seen lately, forgetting the oldest past a bound. */
const recentIds = () => {
  const ids = new Set<number>();
  return {
    has: (id: number) => ids.has(id),
    add: (id: number) => {
      ids.add(id);
      if (ids.size > REMEMBERED_IDS) ids.delete(ids.values().next().value as number);
    },
  };
};

/**
 * B6 fan-out: ONE `LISTEN` per process (started by the first subscriber, shared by all,
 * kept alive across dropped connections) feeds every subscription of this process.
 * A subscription registers for live changes BEFORE it reads its position or backlog, so
 * nothing committed in between is lost; after the LISTEN was lost and is back, every
 * subscription catches up from `panel_changes`; what several paths deliver is yielded once.
 * Each subscription holds at most `maxQueue` changes: past that it ends with
 * SUBSCRIBER_TOO_SLOW (and its connection is cut if it does not read within
 * `stallTimeoutMs`). Fan-out does bounded work per turn of the event loop.
 */
export const createChangeStream = (
  database: Database,
  {
    pageSize = 500,
    maxQueue = 1_000,
    stallTimeoutMs = 10_000,
    reconnect = {},
  }: ChangeStreamOptions = {},
): ClosableChangeStream => {
  const byTeam = new Map<string, Set<Subscriber>>();
  const all = new Set<Subscriber>();
  const live = new Set<Subscriber>();
  let listener: KeptListen | null = null;
  let closed = false;
  let shuttingDown = false;
  let incoming: Heard[] = [];
  let head = 0;
  let draining = false;
  const budget = yieldBudget();
  const pace = async () => {
    while (budget.take()) await budget.wait();
  };

  const wakeUp = (sub: Subscriber) => {
    const wake = sub.wake;
    sub.wake = null;
    wake?.();
  };

  const end = (sub: Subscriber, failure: Subscriber["failure"]) => {
    if (sub.ended) return;
    sub.ended = true;
    sub.failure = failure;
    sub.queue.length = 0;
    byTeam.get(sub.teamId)?.delete(sub);
    live.delete(sub);
    wakeUp(sub);
    // Suspended in a write the client never drains: only cutting the connection ends it.
    sub.stallTimer = setTimeout(() => {
      if (!sub.finished) sub.disconnect?.();
    }, stallTimeoutMs);
    sub.stallTimer.unref?.();
  };

  const catchUpAll = () => {
    for (const sub of all) {
      sub.catchUp = true;
      wakeUp(sub);
    }
  };

  const drain = () => {
    const woken = new Set<Subscriber>();
    let work = 0;
    const stop = Math.min(incoming.length, head + NOTIFICATIONS_PER_TURN);
    while (head < stop && work < WORK_PER_TURN) {
      const heard = incoming[head] as Heard;
      head += 1;
      work += 1;
      for (const sub of byTeam.get(heard.change.teamId) ?? []) {
        if (sub.conversationId !== null && heard.change.conversationId !== sub.conversationId) {
          continue;
        }
        work += 1;
        if (sub.queue.length >= maxQueue) {
          end(sub, SubscriberTooSlow.of(sub.lastEventId));
          continue;
        }
        sub.queue.push(heard);
        woken.add(sub);
      }
    }
    if (head >= incoming.length) {
      incoming = [];
      head = 0;
    }
    for (const sub of woken) wakeUp(sub);
    if (head < incoming.length) setImmediate(drain);
    else draining = false;
  };

  const onPayload = (payload: string) => {
    const heard = parseNotification(payload);
    if (heard === null) return;
    if (incoming.length - head >= MAX_INCOMING) {
      // Fan-out fell behind the database: drop what waits; everyone reads it back instead.
      incoming = [];
      head = 0;
      catchUpAll();
      return;
    }
    incoming.push(heard);
    if (!draining) {
      draining = true;
      setImmediate(drain);
    }
  };

  const startListening = () => {
    listener ??= keepListening(
      database,
      CHANGES_CHANNEL,
      { onPayload, onListening: catchUpAll },
      reconnect,
    );
  };

  async function* subscribe(options: ChangeSubscription): AsyncGenerator<TrackedChange> {
    const { teamId, conversationId, signal } = options;
    if (shuttingDown && !closed) throw ServerShuttingDown.of(options.lastEventId);
    if (closed || signal?.aborted) return;
    const sub: Subscriber = {
      teamId,
      conversationId,
      queue: [],
      wake: null,
      ended: false,
      finished: false,
      failure: null,
      catchUp: false,
      lastEventId: null,
      stallTimer: null,
      disconnect: options.disconnect,
    };
    const onAbort = () => end(sub, null);
    all.add(sub);
    const team = byTeam.get(teamId) ?? new Set<Subscriber>();
    byTeam.set(teamId, team);
    team.add(sub);
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      startListening();
      const delivered = recentIds();
      const after = positionOf(options.lastEventId);
      let position = after ?? (await latestPanelChangeId(database.db, teamId as TeamId));
      if (after !== null) sub.catchUp = true;
      const take = (id: number): boolean => {
        if (delivered.has(id)) return false;
        delivered.add(id);
        position = Math.max(position, id);
        sub.lastEventId = String(id);
        return true;
      };
      for (;;) {
        if (sub.failure !== null) throw sub.failure;
        if (sub.ended) return;
        if (sub.catchUp) {
          sub.catchUp = false;
          for (let full = true; full && !sub.ended; ) {
            const page = await panelChangesPage(database.db, {
              teamId: teamId as TeamId,
              afterId: position,
              conversationId,
              limit: pageSize,
            });
            full = page.length === pageSize;
            for (const { id, change } of page) {
              if (sub.ended) break;
              if (!take(id)) continue;
              await pace();
              if (sub.ended) break;
              yield { id: String(id), change };
            }
          }
          continue;
        }
        live.add(sub);
        const heard = sub.queue.shift();
        if (heard === undefined) {
          await new Promise<void>((resolve) => {
            sub.wake = resolve;
          });
          continue;
        }
        await pace();
        if (sub.ended) continue;
        if (heard.id === null) {
          const suffix = heard.change.conversationId ?? randomUUID();
          yield { id: `${position}-deleted-${suffix}`, change: heard.change };
          continue;
        }
        if (take(heard.id)) yield { id: String(heard.id), change: heard.change };
      }
    } finally {
      sub.finished = true;
      sub.ended = true;
      if (sub.stallTimer !== null) clearTimeout(sub.stallTimer);
      all.delete(sub);
      byTeam.get(teamId)?.delete(sub);
      if (byTeam.get(teamId)?.size === 0) byTeam.delete(teamId);
      live.delete(sub);
      signal?.removeEventListener("abort", onAbort);
    }
  }

  return {
    subscribe,
    subscriberCount: () => live.size,
    openCount: () => all.size,
    listen: () => {
      if (!closed) startListening();
    },
    connected: () => listener?.listening() ?? false,
    drain: () => {
      shuttingDown = true;
      for (const sub of [...all]) end(sub, ServerShuttingDown.of(sub.lastEventId));
    },
    close: async () => {
      closed = true;
      for (const sub of [...all]) end(sub, null);
      const current = listener;
      listener = null;
      await current?.close();
    },
  };
};
