import { readFileSync } from "node:fs";

/** A process's resident set size now, in MB (Linux /proc). */
export const rssMbOf = (pid: number): number => {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? Number.NaN);
  return kb / 1024;
};

// Clock ticks a second of /proc/<pid>/stat's times (USER_HZ, 100 on Linux).
const TICKS = 100;

/** CPU time (user + system) a process used so far, in seconds (Linux /proc). */
export const cpuSecondsOf = (pid: number): number => {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / TICKS;
};

/** RSS over a window: first, largest and last sample, and the trend of its second half. */
export interface RssTrend {
  readonly startMb: number;
  readonly maxMb: number;
  readonly endMb: number;
  /** Least-squares slope of the samples in the window's second half, MB per minute. */
  readonly slopeMbPerMinute: number;
  readonly samples: number;
}

/** Least-squares slope of `points` (x in ms, y in MB), in MB per minute; 0 under 2 points. */
export const slopePerMinute = (points: readonly { t: number; mb: number }[]): number => {
  if (points.length < 2) return 0;
  const n = points.length;
  const meanT = points.reduce((s, p) => s + p.t, 0) / n;
  const meanMb = points.reduce((s, p) => s + p.mb, 0) / n;
  let cov = 0;
  let varT = 0;
  for (const p of points) {
    cov += (p.t - meanT) * (p.mb - meanMb);
    varT += (p.t - meanT) ** 2;
  }
  return varT === 0 ? 0 : (cov / varT) * 60_000;
};

/** Samples a process's RSS every `everyMs` until stopped; answers the trend. */
export const sampleRss = (pid: number, everyMs = 250) => {
  const points: { t: number; mb: number }[] = [];
  const sample = () => {
    try {
      points.push({ t: performance.now(), mb: rssMbOf(pid) });
    } catch {
      // The process is gone: the samples so far are the answer.
    }
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    stop: (): RssTrend => {
      clearInterval(timer);
      sample();
      const mbs = points.map((p) => p.mb);
      return {
        startMb: mbs[0] ?? Number.NaN,
        maxMb: Math.max(...mbs),
        endMb: mbs.at(-1) ?? Number.NaN,
        slopeMbPerMinute: slopePerMinute(points.slice(Math.floor(points.length / 2))),
        samples: points.length,
      };
    },
  };
};
