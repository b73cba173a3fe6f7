import type { Context, MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';
import { ApiError } from '../../../contracts';
import type { AppEnv } from './app-env';
import { isPublicPath, isTrpcPath, rejectRequest } from './auth-middleware';
import type { TokenBucketLimiter } from './rate-limiter';

/**
 * Limits requests per client with a token bucket: per API key when a key authenticated the
 * request, per client address otherwise. Public paths such as health checks are not limited.
 * A tRPC batch costs one token per procedure, so batching does not get around the limit. A
 * rejected request gets a 429 with `Retry-After` in seconds, over REST and tRPC alike.
 */
export function rateLimitMiddleware(limiter: TokenBucketLimiter | undefined, logger: Logger): MiddlewareHandler<AppEnv> {
  if (limiter === undefined) return async (_c, next) => next();
  return async (c, next) => {
    if (isPublicPath(c.req.path)) return next();
    const client = clientKey(c);
    const decision = limiter.take(client, requestCost(c));
    if (decision.allowed) return next();
    logger.debug({ requestId: c.get('requestId'), client, retryAfterSeconds: decision.retryAfterSeconds }, 'request rate limited');
    const { perSecond, burst } = limiter.settings;
    const message = `too many requests: the limit is ${perSecond} per second with bursts of ${burst}; retry after ${decision.retryAfterSeconds} s`;
    return rejectRequest(c, new ApiError('RATE_LIMITED', message), { 'retry-after': String(decision.retryAfterSeconds) });
  };
}

/** Returns the bucket of a request: its API key, or else the address of the TCP peer. */
function clientKey(c: Context<AppEnv>): string {
  const keyId = c.get('caller')?.keyId;
  if (keyId !== undefined) return `key:${keyId}`;
  // NOTE: the TCP peer address, not X-Forwarded-For: behind a proxy all clients share one bucket.
  return `address:${c.env?.incoming?.socket?.remoteAddress ?? 'unknown'}`;
}

function requestCost(c: Context<AppEnv>): number {
  if (!isTrpcPath(c.req.path)) return 1;
  return c.req.path.slice('/trpc/'.length).split(',').length;
}
