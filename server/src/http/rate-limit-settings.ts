import { isLoopbackHost } from '../auth/auth-mode';

/** Sustained requests per second per API key when `RATE_LIMIT_PER_SECOND` is unset on a non-loopback host. */
export const defaultRequestsPerSecond = 200;

/**
 * Resolves the rate limit settings. Limiting is on when `perSecond` is above 0, or when it is
 * unset and the server listens on a non-loopback host. On a loopback host it is off unless set,
 * so local development and benchmarks from one address are not throttled. The burst defaults to
 * two seconds' worth of requests.
 */
export function resolveRateLimit(host: string, perSecond: number | undefined, burst: number | undefined): { perSecond: number; burst: number } | undefined {
  const rate = perSecond ?? (isLoopbackHost(host) ? 0 : defaultRequestsPerSecond);
  if (rate === 0) return undefined;
  return { perSecond: rate, burst: burst ?? Math.max(1, Math.ceil(rate * 2)) };
}
