import { readFileSync } from "node:fs";
import autocannon from "autocannon";

/** What one load run measured. */
export interface LoadRun {
  /** Successful (2xx) responses per second over the run. */
  readonly perSecond: number;
  /** Latency percentiles in ms (autocannon's HDR histogram, 1 ms resolution). */
  readonly p50: number;
  readonly p99: number;
  readonly ok: number;
  /** Non-2xx answers plus connection errors and timeouts: anything but 0 fails the bench. */
  readonly failed: number;
  /**
   * CPU time (user + system, every thread) the server process spent per 2xx answer, in ms;
   * null where /proc is missing. Unlike requests/s it hardly moves when other processes
   * share the cores, so it is the figure to compare between runs on a busy machine.
   */
  readonly cpuMsPerRequest: number | null;
}

// Linux's USER_HZ: /proc/<pid>/stat counts CPU time in 1/100 s on every common platform.
const TICKS_PER_SECOND = 100;

/** CPU time of a process so far in ms (fields 14 and 15 of /proc/<pid>/stat), or null. */
const cpuMsOf = (pid: number): number | null => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces: count the fields after its ')'.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
};

/** One request of a load run: path, method, headers and body. */
export interface LoadRequest {
  readonly path: string;
  readonly method: "GET" | "POST";
  readonly body?: string;
}

/** The connections of every load run (issue 19 item 1). */
export const CONNECTIONS = 50;

/**
 * Drives `url` with {@link CONNECTIONS} keep-alive connections (autocannon, in this process)
 * for `seconds`, or until `limit` requests were sent. `next(i)` gives the i-th request, so a
 * write can address a distinct row each time.
 */
export const loadRun = async (options: {
  readonly url: string;
  /** The server's process id: its CPU time per answer is measured. */
  readonly pid?: number;
  readonly headers: Record<string, string>;
  readonly seconds: number;
  readonly limit?: number;
  readonly next: (i: number) => LoadRequest;
}): Promise<LoadRun> => {
  let i = 0;
  const cpuBefore = options.pid === undefined ? null : cpuMsOf(options.pid);
  const result = await autocannon({
    url: options.url,
    connections: CONNECTIONS,
    duration: options.seconds,
    ...(options.limit !== undefined && { maxOverallRequests: options.limit }),
    timeout: 30,
    requests: [
      {
        setupRequest: (request) => {
          const wanted = options.next(i++);
          return {
            ...request,
            path: wanted.path,
            method: wanted.method,
            headers: {
              ...options.headers,
              ...(wanted.body !== undefined && { "content-type": "application/json" }),
            },
            ...(wanted.body !== undefined && { body: wanted.body }),
          };
        },
      },
    ],
  });
  const cpuAfter = options.pid === undefined ? null : cpuMsOf(options.pid);
  return {
    cpuMsPerRequest:
      cpuBefore === null || cpuAfter === null || result["2xx"] === 0
        ? null
        : (cpuAfter - cpuBefore) / result["2xx"],
    perSecond: result["2xx"] / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    ok: result["2xx"],
    failed: result.non2xx + result.errors + result.timeouts,
  };
};
