import type { Context } from 'hono';
import type { AppEnv } from './app-env';

/** Responses that already carry `x-request-id`, so the request id middleware leaves them alone. */
const responsesWithRequestId = new WeakSet<Response>();

/**
 * Wraps JSON text that is already serialised in the success envelope without parsing it again.
 * Headers stay a plain object: reading `response.headers` later would make `@hono/node-server`
 * build a full Headers object and leave its fast path for every response.
 */
export function rawSuccessResponse(c: Context<AppEnv>, dataJson: string, status = 200, headers: Record<string, string> = {}): Response {
  const response = new Response(`{"success":true,"data":${dataJson}}`, {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'x-request-id': c.get('requestId'), ...headers },
  });
  responsesWithRequestId.add(response);
  return response;
}

/** Wraps a value in the success envelope. */
export function successResponse(c: Context<AppEnv>, data: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return rawSuccessResponse(c, JSON.stringify(data), status, headers);
}

/** Marks a response built with `x-request-id` among its headers. */
export function markRequestIdSet(response: Response): Response {
  responsesWithRequestId.add(response);
  return response;
}

/** True when the response was built with `x-request-id` among its headers. */
export function hasRequestId(response: Response): boolean {
  return responsesWithRequestId.has(response);
}
