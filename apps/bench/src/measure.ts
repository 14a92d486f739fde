/** Median, minimum and maximum of a set of samples. */
export interface Summary {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

/** Summarises samples (the median of an even count is the mean of the middle two). */
export const summarise = (samples: readonly number[]): Summary => {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const at = (i: number) => sorted[i] ?? Number.NaN;
  const median = sorted.length % 2 === 1 ? at(mid) : (at(mid - 1) + at(mid)) / 2;
  return { median, min: at(0), max: at(sorted.length - 1) };
};

/** Wall time of `run` in milliseconds. */
export const timed = async (run: () => Promise<unknown>): Promise<number> => {
  const started = performance.now();
  await run();
  return performance.now() - started;
};

/** Peak RSS above the starting RSS while `run` runs, sampled every 20 ms, in MB. */
export const peakRssAbove = async (run: () => Promise<unknown>): Promise<number> => {
  const start = process.memoryUsage().rss;
  let peak = start;
  const sample = () => {
    peak = Math.max(peak, process.memoryUsage().rss);
  };
  const timer = setInterval(sample, 20);
  try {
    await run();
  } finally {
    clearInterval(timer);
    sample();
  }
  return (peak - start) / 1024 / 1024;
};

/** Runs `tasks` with at most `concurrency` in flight. */
export const runConcurrently = async <T>(
  items: readonly T[],
  concurrency: number,
  task: (item: T) => Promise<unknown>,
): Promise<void> => {
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      const item = items[i];
      if (item === undefined) return;
      await task(item);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
};
