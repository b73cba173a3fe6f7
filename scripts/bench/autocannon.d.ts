/**
 * The part of autocannon 8's API the benchmark uses; the package ships no type declarations.
 * Field meanings follow autocannon's README: latencies in milliseconds, `duration` in seconds.
 */
declare module 'autocannon' {
  interface AutocannonRequest {
    method?: string;
    path?: string;
    body?: string;
    headers?: Record<string, string>;
  }

  interface AutocannonOptions {
    url: string;
    method?: string;
    body?: string;
    headers?: Record<string, string>;
    requests?: AutocannonRequest[];
    connections?: number;
    duration?: number;
    timeout?: number;
  }

  interface Percentiles {
    average: number;
    mean: number;
    p50: number;
    p99: number;
    max: number;
  }

  interface AutocannonResult {
    latency: Percentiles;
    requests: Percentiles & { total: number };
    throughput: Percentiles & { total: number };
    duration: number;
    errors: number;
    timeouts: number;
    non2xx: number;
    '2xx': number;
    statusCodeStats: Record<string, { count: number }>;
  }

  function autocannon(options: AutocannonOptions, callback: (error: Error | null, result: AutocannonResult) => void): unknown;

  export default autocannon;
  export type { AutocannonOptions, AutocannonResult };
}
