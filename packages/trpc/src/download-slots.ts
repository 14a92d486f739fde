/** Options of {@link createDownloadSlots}. */
export interface DownloadSlotOptions {
  /** Downloads this process streams at once (default 4: the rest of the pool stays for requests). */
  readonly maxConcurrent?: number;
  /** Downloads one team streams at once in this process (default 2). */
  readonly maxPerTeam?: number;
}

/** Bounds on concurrent downloads: per process and per team. */
export interface DownloadSlots {
  /** A slot for one of the team's downloads, or null when either bound is reached. */
  readonly tryAcquire: (teamId: string) => (() => void) | null;
  /** Downloads streaming now (metrics, tests). */
  readonly active: () => number;
}

const positive = (value: number, name: string): number => {
  if (!Number.isInteger(value) || value < 1)
    throw new RangeError(`${name} must be a positive integer`);
  return value;
};

/**
 * Counts downloads in flight, in total and per team. A slot is released once, however
 * often its release is called; the per-team map holds only teams with a download in flight.
 */
export const createDownloadSlots = (options: DownloadSlotOptions = {}): DownloadSlots => {
  const maxConcurrent = positive(options.maxConcurrent ?? 4, "maxConcurrent");
  const maxPerTeam = positive(options.maxPerTeam ?? 2, "maxPerTeam");
  const perTeam = new Map<string, number>();
  let total = 0;
  return {
    tryAcquire: (teamId) => {
      const held = perTeam.get(teamId) ?? 0;
      if (total >= maxConcurrent || held >= maxPerTeam) return null;
      total += 1;
      perTeam.set(teamId, held + 1);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        total -= 1;
        const left = (perTeam.get(teamId) ?? 1) - 1;
        if (left === 0) perTeam.delete(teamId);
        else perTeam.set(teamId, left);
      };
    },
    active: () => total,
  };
};
