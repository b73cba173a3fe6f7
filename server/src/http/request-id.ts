import { randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './app-env';
import { hasRequestId } from './json-responses';

const acceptedRequestId = /^[A-Za-z0-9._:-]{1,128}$/;

/** Takes `x-request-id` from the request when it is a plain token, otherwise makes one, and echoes it on the response. */
export function requestId(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const incoming = c.req.header('x-request-id');
    const id = incoming !== undefined && acceptedRequestId.test(incoming) ? incoming : randomUUID();
    c.set('requestId', id);
    await next();
    if (!hasRequestId(c.res)) c.res.headers.set('x-request-id', id);
  };
}
