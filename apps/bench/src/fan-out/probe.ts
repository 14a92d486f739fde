/** `panel.get` latencies of a probe run, in ms. */
export interface ProbeRun {
  readonly calls: number;
  readonly p50: number;
  readonly p99: number;
}

/** The value at percentile `p` of ascending `sorted` (nearest rank); NaN when empty. */
export const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? Number.NaN;

/**
 * One member's `panel.get` over HTTP, call after call (never two at once), until `until()`
 * says stop or `ms` passed; p50 and p99 of the calls. A non-200 answer fails the run.
 */
export const probePanelGet = async (options: {
  readonly url: string;
  readonly secret: string;
  readonly conversationId: string;
  readonly ms: number;
  readonly until?: () => boolean;
}): Promise<ProbeRun> => {
  const input = encodeURIComponent(
    JSON.stringify({ json: { conversationId: options.conversationId } }),
  );
  const times: number[] = [];
  const end = performance.now() + options.ms;
  while (performance.now() < end && !(options.until?.() ?? false)) {
    const start = performance.now();
    const response = await fetch(`${options.url}/trpc/panel.get?input=${input}`, {
      headers: { authorization: `Bearer ${options.secret}` },
    });
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`panel.get answered ${response.status}`);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { calls: times.length, p50: percentile(times, 50), p99: percentile(times, 99) };
};
