import type { Context, MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';
import type { ApiError } from '../../../contracts';
import { AuthenticationError, type ApiKeyAuthenticator } from '../auth/api-key-authenticator';
import { unauthenticatedCaller, type Caller } from '../ledger/caller';
import { trpcErrorResponse } from '../trpc/trpc-routes';
import type { AppEnv } from './app-env';
import { errorResponse } from './error-response';

/** Paths served without an API key: health checks, Prometheus metrics (no event data) and the API description. */
const publicPaths = new Set(['/healthz', '/readyz', '/metrics', '/openapi.json', '/docs']);

/** Caller of a public path while authentication is on, with no organisation and no scope. */
const publicCaller: Caller = Object.freeze({ scopes: Object.freeze([]) });

/** Tells whether a path is served without an API key. */
export function isPublicPath(path: string): boolean {
  return publicPaths.has(path) || path.startsWith('/docs/');
}

/** Tells whether a path belongs to the tRPC transport, whose clients expect tRPC's error format. */
export function isTrpcPath(path: string): boolean {
  return path === '/trpc' || path.startsWith('/trpc/');
}

/**
 * Builds the error response of a request that a middleware rejects, in its transport's format:
 * the REST error envelope, or a tRPC error whose `data.code` is the same API code.
 */
export function rejectRequest(c: Context<AppEnv>, error: ApiError, headers: Record<string, string> = {}): Response {
  return isTrpcPath(c.req.path) ? trpcErrorResponse(c, error, headers) : errorResponse(c, error, headers);
}

/**
 * Sets the request's caller. Without an authenticator (AUTH=off) every request acts as the
 * unauthenticated caller. With one, every path except the public ones needs
 * `Authorization: Bearer <key>`; a missing, unknown, revoked or expired key gets a 401 with a
 * `WWW-Authenticate: Bearer` challenge (RFC 6750), over REST and tRPC alike. Rejections are
 * logged at debug level with the key id when the key exists, never with the key.
 */
export function authMiddleware(authenticator: ApiKeyAuthenticator | undefined, logger: Logger): MiddlewareHandler<AppEnv> {
  if (authenticator === undefined) {
    return async (c, next) => {
      c.set('caller', unauthenticatedCaller);
      await next();
    };
  }
  return async (c, next) => {
    if (isPublicPath(c.req.path)) {
      c.set('caller', publicCaller);
      await next();
      return;
    }
    let caller: Caller;
    try {
      caller = authenticator.authenticate(c.req.header('authorization'));
    } catch (error) {
      if (!(error instanceof AuthenticationError)) throw error;
      logger.debug({ requestId: c.get('requestId'), path: c.req.path, keyId: error.keyId }, 'authentication failed');
      return rejectRequest(c, error, { 'www-authenticate': challenge(c.req.header('authorization')) });
    }
    c.set('caller', caller);
    await next();
  };
}

/** Builds the RFC 6750 challenge, with `invalid_token` when the request sent a token. */
function challenge(authorization: string | undefined): string {
  return authorization === undefined ? 'Bearer realm="event-ledger"' : 'Bearer realm="event-ledger", error="invalid_token"';
}
