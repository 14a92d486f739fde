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
}

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
  readonly headers: Record<string, string>;
  readonly seconds: number;
  readonly limit?: number;
  readonly next: (i: number) => LoadRequest;
}): Promise<LoadRun> => {
  let i = 0;
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
  return {
    perSecond: result["2xx"] / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    ok: result["2xx"],
    failed: result.non2xx + result.errors + result.timeouts,
  };
};
