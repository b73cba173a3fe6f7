import type { Context } from 'hono';
import { ApiError } from '../../../contracts';
import type { AppEnv } from './app-env';
import { checkJsonContentType, parseJsonBody } from './parse-json-body';
import { readRequestBody } from './read-request-body';

/** A body that was not read whole; when `closeConnection` is set, the response must close the connection. */
export class BodyRejectedError extends ApiError {
  constructor(
    error: ApiError,
    readonly closeConnection: boolean,
  ) {
    super(error.code, error.message, error.details);
  }
}

/** Headers an error response needs: `connection: close` after a body that was not read whole. */
export function connectionHeaders(error: unknown): Record<string, string> {
  return error instanceof BodyRejectedError && error.closeConnection ? { connection: 'close' } : {};
}

/**
 * Reads and parses a JSON request body: Content-Type, size limit, UTF-8 and strict JSON.
 * Returns the parsed value; throws ApiError with the status that fits (415, 413 or 400).
 */
export async function readJsonRequest(c: Context<AppEnv>, maxBytes: number): Promise<unknown> {
  return (await readJsonRequestText(c, maxBytes)).value;
}

/** Like readJsonRequest, and also returns the decoded text for handlers that parse it again. */
export async function readJsonRequestText(c: Context<AppEnv>, maxBytes: number): Promise<{ text: string; value: unknown }> {
  const contentTypeProblem = checkJsonContentType(c.req.header('content-type'));
  const body = await readRequestBody(c.env.incoming, maxBytes);
  if (!body.ok) throw new BodyRejectedError(body.error, body.closeConnection);
  if (contentTypeProblem !== undefined) throw new ApiError('UNSUPPORTED_MEDIA_TYPE', contentTypeProblem);
  return parseJsonBody(body.bytes);
}
