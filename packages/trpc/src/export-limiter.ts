import type { TeamId } from "@customer-panel/core";
import type { ExportLimiter } from "./context.js";

/** Options of {@link createExportLimiter}. */
export interface ExportLimiterOptions {
  /** Exports allowed per team within any window (default 10). */
  readonly limit?: number;
  /** The window, milliseconds (default one minute). */
  readonly windowMs?: number;
  /** The clock, epoch milliseconds (tests). */
  readonly now?: () => number;
}

// Teams are forgotten once their window has passed; a sweep runs when this many are held.
const SWEEP_AT = 1_000;

/**
 * A per-team sliding-window limit on exports: at most `limit` in any `windowMs`. It keeps
 * the times of the last `limit` exports of each team (small and exact, no boundary burst).
 * The state lives in this process: N API processes allow up to N × `limit` per team —
 * a guard against floods, not a quota; a shared quota would need a shared store.
 */
export const createExportLimiter = (options: ExportLimiterOptions = {}): ExportLimiter => {
  const limit = options.limit ?? 10;
  const windowMs = options.windowMs ?? 60_000;
  const now = options.now ?? Date.now;
  if (!Number.isInteger(limit) || limit < 1)
    throw new RangeError("limit must be a positive integer");
  if (!(windowMs > 0)) throw new RangeError("windowMs must be positive");
  const recent = new Map<TeamId, number[]>();

  const sweep = (at: number) => {
    for (const [team, times] of recent) {
      const last = times[times.length - 1];
      if (last === undefined || last <= at - windowMs) recent.delete(team);
    }
  };

  return {
    take: (teamId) => {
      const at = now();
      if (recent.size >= SWEEP_AT) sweep(at);
      const times = (recent.get(teamId) ?? []).filter((t) => t > at - windowMs);
      const oldest = times[0];
      if (times.length >= limit && oldest !== undefined) {
        recent.set(teamId, times);
        return {
          allowed: false,
          retryAfterSeconds: Math.max(1, Math.ceil((oldest + windowMs - at) / 1000)),
        };
      }
      times.push(at);
      recent.set(teamId, times);
      return { allowed: true };
    },
  };
};
