import type { ProbeRun } from "./probe.js";
import type { RssTrend } from "./process-stats.js";
import type { FanOutScale } from "./scale.js";

/** Whether every subscriber got every published change, once. */
export interface Delivery {
  /** Every subscriber received exactly the published ids, each once, in order. */
  readonly exactlyOnce: boolean;
  readonly subscribersComplete: number;
  /** Changes received, all subscribers together, and what that should be (published × subscribers). */
  readonly delivered: number;
  readonly expected: number;
  /** Ids received not above the one before (a duplicate or reordering), all subscribers. */
  readonly notIncreasing: number;
  /** Subscriptions ended by an error, and reconnections the clients made by themselves. */
  readonly errors: number;
  readonly reconnects: number;
  /** Share of `expected` received when the last change was published. */
  readonly shareAtLoadEnd: number;
  /** From the last change published until all was delivered (or the run gave up), s. */
  readonly drainSeconds: number;
  /** Deliveries a second from the first change published to the end of delivery. */
  readonly perSecond: number;
}

/** One fan-out measurement: one or two server processes on one database. */
export interface FanOutPhase {
  readonly servers: number;
  readonly subscribers: number;
  readonly rate: number;
  readonly seconds: number;
  /** Changes published (rate × seconds). */
  readonly published: number;
  readonly delivery: Delivery;
  /** `panel.get` of the first server, before any subscriber and while changes flow. */
  readonly panelGet: {
    readonly idle: ProbeRun;
    readonly loaded: ProbeRun;
    readonly p99Ratio: number;
  };
  /** Each server's RSS from the first change to the end of delivery. */
  readonly rss: readonly RssTrend[];
  /** CPU seconds per wall second over the same window: each server, and the subscriber process. */
  readonly cpu: { readonly servers: readonly number[]; readonly subscribers: number };
  /** The machine's 1-minute load average before and after the phase. */
  readonly loadAverage: { readonly before: number; readonly after: number };
}

/** The fan-out section of a report (PostgreSQL only). */
export interface FanOutResults {
  readonly scale: FanOutScale;
  readonly phases: readonly FanOutPhase[];
}

/** Targets of issue 19 item 2: loaded `panel.get` p99 ÷ idle p99, and RSS slope (MB/min). */
export const FANOUT_P99_TARGET = 2;
export const FLAT_RSS_MB_PER_MINUTE = 2;
