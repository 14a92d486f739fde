import type { Database } from "@customer-panel/db";

/** Backoff of {@link keepListening}: capped exponential, with jitter. */
export interface ReconnectOptions {
  /** Delay cap of the first retry in ms (default 100). */
  readonly initialDelayMs?: number;
  /** Largest delay cap in ms (default 5 000). */
  readonly maxDelayMs?: number;
}

/** What {@link keepListening} reports. */
export interface ListenHandlers {
  readonly onPayload: (payload: string) => void;
  /** LISTEN is active (again): anything sent while it was not was not heard. */
  readonly onListening: () => void;
}

/** A LISTEN kept alive; `close` ends it for good. */
export interface KeptListen {
  /** True while LISTEN is active. */
  readonly listening: () => boolean;
  readonly close: () => Promise<void>;
}

/**
 * Issue 14 E: LISTEN on `channel`, and when the connection is lost (a terminated
 * backend, a server restart) or can not be made, try again after a delay drawn in
 * [cap/2, cap], the cap doubling from `initialDelayMs` up to `maxDelayMs` — so many API
 * processes do not reconnect in step. `onListening` is called after every success so the
 * caller can replay what was missed.
 */
export const keepListening = (
  database: Database,
  channel: string,
  handlers: ListenHandlers,
  { initialDelayMs = 100, maxDelayMs = 5_000 }: ReconnectOptions = {},
): KeptListen => {
  let unlisten: (() => Promise<void>) | null = null;
  let closed = false;
  let failures = 0;
  let timer: NodeJS.Timeout | null = null;

  const retry = () => {
    if (closed || timer !== null) return;
    const cap = Math.min(maxDelayMs, initialDelayMs * 2 ** Math.min(failures, 30));
    failures += 1;
    timer = setTimeout(
      () => {
        timer = null;
        void connect();
      },
      cap / 2 + (Math.random() * cap) / 2,
    );
  };

  const connect = async () => {
    if (closed) return;
    // Lost may be reported before `listen` resolves: then this attempt never counts as live.
    const attempt = { lost: false, stop: null as (() => Promise<void>) | null };
    try {
      const stop = await database.listen(channel, handlers.onPayload, () => {
        attempt.lost = true;
        if (unlisten !== null && unlisten === attempt.stop) unlisten = null;
        retry();
      });
      attempt.stop = stop;
      if (closed) {
        await stop();
        return;
      }
      if (attempt.lost) return;
      unlisten = stop;
      failures = 0;
      handlers.onListening();
    } catch {
      retry();
    }
  };

  void connect();
  return {
    listening: () => unlisten !== null,
    close: async () => {
      closed = true;
      if (timer !== null) clearTimeout(timer);
      timer = null;
      const stop = unlisten;
      unlisten = null;
      await stop?.();
    },
  };
};
