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

/**
 * Times two paths in turn, `rounds` times each. Library first in odd rounds, baseline first in
 * even ones, so warm-up favours neither. A read-only operation first runs once on each path
 * untimed (JIT, plan and buffer cache warm); `tags.apply` writes per round and skips that.
 */
export const alternate = async (
  rounds: number,
  library: (round: number) => Promise<unknown>,
  baseline: (round: number) => Promise<unknown>,
  options: { readonly warmUp?: boolean } = { warmUp: true },
) => {
  const lib: number[] = [];
  const raw: number[] = [];
  if (options.warmUp === true) {
    await library(0);
    await baseline(0);
  }
  for (let round = 0; round < rounds; round++) {
    if (round % 2 === 0) {
      lib.push(await timed(() => library(round)));
      raw.push(await timed(() => baseline(round)));
    } else {
      raw.push(await timed(() => baseline(round)));
      lib.push(await timed(() => library(round)));
    }
  }
  return { library: summarise(lib), baseline: summarise(raw) };
};

/** UTF-8 bytes of text chunks, or the length of byte chunks, read to the end. */
export const bytesOf = async (chunks: AsyncIterable<string | Uint8Array>): Promise<number> => {
  let bytes = 0;
  for await (const chunk of chunks) {
    bytes += typeof chunk === "string" ? Buffer.byteLength(chunk) : chunk.byteLength;
  }
  return bytes;
};
