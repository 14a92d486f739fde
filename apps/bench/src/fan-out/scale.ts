import type { Scale } from "../dataset.js";

/** How large a fan-out run is. */
export interface FanOutScale {
  /** Subscribers of the one team (split evenly between the servers of a phase). */
  readonly subscribers: number;
  /** Changes published a second, and for how long. */
  readonly rate: number;
  readonly seconds: number;
  /** `panel.get` probed before any subscriber, seconds. */
  readonly idleSeconds: number;
  /** After the last change: how long delivery may still take before the run gives up, seconds. */
  readonly drainSeconds: number;
}

/** The scale (issue 19 item 2): 1,000 subscribers, 1,000 changes/s, 30 s. */
export const FANOUT_DEFAULT: FanOutScale = {
  subscribers: 1_000,
  rate: 1_000,
  seconds: 30,
  idleSeconds: 5,
  drainSeconds: 10,
};

/** `--mid`: a tenth of the default's deliveries a second, a third of its time. */
export const FANOUT_MID: FanOutScale = {
  subscribers: 300,
  rate: 300,
  seconds: 10,
  idleSeconds: 3,
  drainSeconds: 20,
};

/** `--quick` (CI): 100 subscribers, 200 changes/s, 5 s; delivery must complete. */
export const FANOUT_QUICK: FanOutScale = {
  subscribers: 100,
  rate: 200,
  seconds: 5,
  idleSeconds: 2,
  drainSeconds: 60,
};

/** The fan-out scale of a bench scale. */
export const fanOutScaleOf = (scale: Scale): FanOutScale =>
  scale.name === "quick" ? FANOUT_QUICK : scale.name === "mid" ? FANOUT_MID : FANOUT_DEFAULT;
