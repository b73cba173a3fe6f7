import type { Context } from 'hono';
import { ApiError, errorCodes, type FieldProblem } from '../../../contracts';
import { WriterUnavailableError } from '../storage/sqlite/sqlite-ledger-store';
import type { AppEnv } from './app-env';
import { markRequestIdSet } from './json-responses';

/** Builds the error envelope `{"success": false, "error": {...}}` as a JSON response. */
export function errorResponse(c: Context<AppEnv>, error: ApiError, headers: Record<string, string> = {}): Response {
  const body: { code: string; message: string; details?: FieldProblem[]; requestId?: string } = { code: error.code, message: error.message };
  if (error.details !== undefined) body.details = error.details;
  const requestId = c.get('requestId');
  if (requestId !== undefined) body.requestId = requestId;
  const response = new Response(JSON.stringify({ success: false, error: body }), {
    status: errorCodes[error.code].status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'x-request-id': requestId ?? '', ...headers },
  });
  return markRequestIdSet(response);
}

/**
 * Turns any thrown value into an ApiError. Errors the API does not know become INTERNAL (or
 * UNAVAILABLE when the writer is gone), with a message that carries no internal detail.
 */
export function toApiError(error: unknown): { error: ApiError; unexpected: boolean } {
  if (error instanceof ApiError) return { error, unexpected: false };
  if (error instanceof WriterUnavailableError) {
    return { error: new ApiError('UNAVAILABLE', 'the ledger cannot accept writes right now; retry later'), unexpected: true };
  }
  return { error: new ApiError('INTERNAL', 'internal error; the request id identifies it in the server log'), unexpected: true };
}
