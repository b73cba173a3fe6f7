/** One load run: `connections` keep-alive connections send requests back to back for `durationSeconds`. */
export interface LoadJob {
  /** Full URL of the request; with `paths`, only its origin is used. */
  url: string;
  method: 'GET' | 'POST';
  /** JSON body sent with every request. */
  body?: string;
  /** Paths each connection requests in turn, to spread reads over several resources. */
  paths?: string[];
  connections: number;
  durationSeconds: number;
}

/** Figures autocannon measured in one {@link LoadJob}. */
export interface LoadResult {
  /** Requests with a 2xx response, divided by the run's duration. */
  requestsPerSecond: number;
  /** Requests that got any response, non-2xx included. */
  completedRequests: number;
  non2xx: number;
  /** Connection errors, such as refused or reset connections. */
  errors: number;
  timeouts: number;
  /** Median latency of 2xx responses in milliseconds, at autocannon's 1 ms resolution. */
  latencyP50Ms: number;
  /** 99th percentile latency of 2xx responses in milliseconds. */
  latencyP99Ms: number;
  durationSeconds: number;
}

/** Message the load worker sends back for each job. */
export type LoadWorkerReply = { ok: true; result: LoadResult } | { ok: false; message: string };
