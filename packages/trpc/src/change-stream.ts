import { randomUUID } from "node:crypto";
import { ConversationId, CustomerId, type PanelChange, TeamId } from "@customer-panel/core";
import {
  CHANGES_CHANNEL,
  type Database,
  latestPanelChangeId,
  panelChangesAfter,
} from "@customer-panel/db";
import { z } from "zod";
import type { ChangeStream, TrackedChange } from "./context.js";

/** Options of {@link createChangeStream}. */
export interface ChangeStreamOptions {
  /** Most stored changes replayed on resume (the newest ones); default 1000. */
  readonly maxBacklog?: number;
}

/** A change stream that owns one LISTEN connection; close it with the server. */
export interface ClosableChangeStream extends ChangeStream {
  /**
   * Subscriptions past their backlog, so every later change reaches them; a finished or
   * aborted one is gone (nothing leaks).
   */
  readonly subscriberCount: () => number;
  /** Ends every subscription and the LISTEN. */
  readonly close: () => Promise<void>;
}

const KINDS = [
  "presence",
  "profile",
  "tags",
  "status",
  "state",
  "message",
  "deleted",
  "exported",
  "omo",
] as const satisfies readonly PanelChange["kind"][];

// The payload db's change feed sends (ChangeNotification); anything else is dropped.
const Notification = z.object({
  id: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).nullable(),
  teamId: TeamId,
  conversationId: ConversationId.nullable(),
  customerId: CustomerId.nullable(),
  kind: z.enum(KINDS),
  at: z.iso.datetime({ offset: true }),
});

interface Heard {
  readonly id: number | null;
  readonly change: PanelChange;
}

const parse = (payload: string): Heard | null => {
  let json: unknown;
  try {
    json = JSON.parse(payload);
  } catch {
    return null;
  }
  const parsed = Notification.safeParse(json);
  if (!parsed.success) return null;
  const { id, at, ...rest } = parsed.data;
  return { id, change: { ...rest, at: new Date(at) } };
};

/*
 * Event ids. A stored change's id is its `panel_changes` id ("42"). A `deleted`
 * notification is never stored (B5), so it has no id of its own: it takes
 * "<position>-deleted-<conversation id>", where the position is the newest stored id
 * this stream had reached. Resuming from it replays what came after that position,
 * exactly as resuming from the stored change before it would; the suffix keeps the id
 * unique. Anything else is junk: the subscription starts from now, with no backlog.
 */
const EVENT_ID = /^(0|[1-9][0-9]{0,15})(?:-deleted-[0-9a-f-]{36})?$/;

const positionOf = (lastEventId: string | null): number | null => {
  if (lastEventId === null) return null;
  const match = EVENT_ID.exec(lastEventId);
  const position = match?.[1] === undefined ? Number.NaN : Number(match[1]);
  return Number.isSafeInteger(position) ? position : null;
};

type Listener = (heard: Heard) => void;

/**
 * B6 fan-out: ONE `LISTEN` per process (started by the first subscriber, shared by all)
 * feeds every subscription of this process; every process on the same PostgreSQL hears
 * every change, so a change ingested through any server reaches subscribers of all.
 * A subscription registers for live changes BEFORE it reads the backlog, so nothing
 * committed in between is lost; what both deliver is yielded once.
 */
export const createChangeStream = (
  database: Database,
  { maxBacklog = 1000 }: ChangeStreamOptions = {},
): ClosableChangeStream => {
  const listeners = new Set<Listener>();
  const live = new Set<Listener>();
  const closers = new Set<() => void>();
  let listening: Promise<() => Promise<void>> | null = null;
  let closed = false;

  const startListening = (): Promise<unknown> => {
    if (listening !== null) return listening;
    const attempt = database.listen(CHANGES_CHANNEL, (payload) => {
      const heard = parse(payload);
      if (heard === null) return;
      for (const listener of listeners) listener(heard);
    });
    listening = attempt;
    // A failed LISTEN (database down) is retried by the next subscriber.
    attempt.catch(() => {
      if (listening === attempt) listening = null;
    });
    return attempt;
  };

  async function* subscribe(options: {
    readonly teamId: TeamId;
    readonly conversationId: ConversationId | null;
    readonly lastEventId: string | null;
    readonly signal: AbortSignal | undefined;
  }): AsyncGenerator<TrackedChange> {
    const { teamId, conversationId, signal } = options;
    if (closed || signal?.aborted) return;
    const queue: Heard[] = [];
    let wake: (() => void) | null = null;
    const wakeUp = () => {
      wake?.();
      wake = null;
    };
    // X2: the team filter is here, per subscriber, before anything is queued.
    const listener: Listener = (heard) => {
      if (heard.change.teamId !== teamId) return;
      if (conversationId !== null && heard.change.conversationId !== conversationId) return;
      queue.push(heard);
      wakeUp();
    };
    let ended = false;
    const end = () => {
      ended = true;
      wakeUp();
    };
    listeners.add(listener);
    closers.add(end);
    signal?.addEventListener("abort", end, { once: true });
    try {
      await startListening();
      if (ended) return;
      const after = positionOf(options.lastEventId);
      // Backlog ids, so a change both read and heard live is yielded once.
      const replayed = new Set<number>();
      let position: number;
      if (after === null) {
        position = await latestPanelChangeId(database.db, teamId);
        if (ended) return;
      } else {
        position = after;
        const backlog = await panelChangesAfter(database.db, {
          teamId,
          afterId: after,
          conversationId,
          limit: maxBacklog,
        });
        for (const { id, change } of backlog) {
          if (ended) return;
          replayed.add(id);
          position = Math.max(position, id);
          yield { id: String(id), change };
        }
      }
      live.add(listener);
      for (;;) {
        if (ended) return;
        const heard = queue.shift();
        if (heard === undefined) {
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
          continue;
        }
        if (heard.id === null) {
          const suffix = heard.change.conversationId ?? randomUUID();
          yield { id: `${position}-deleted-${suffix}`, change: heard.change };
          continue;
        }
        if (replayed.has(heard.id)) continue;
        position = Math.max(position, heard.id);
        yield { id: String(heard.id), change: heard.change };
      }
    } finally {
      listeners.delete(listener);
      live.delete(listener);
      closers.delete(end);
      signal?.removeEventListener("abort", end);
    }
  }

  return {
    subscribe,
    subscriberCount: () => live.size,
    close: async () => {
      closed = true;
      for (const end of [...closers]) end();
      const current = listening;
      listening = null;
      if (current !== null) {
        const unlisten = await current.catch(() => null);
        await unlisten?.();
      }
    },
  };
};
