import type { oas31 } from 'zod-openapi';
import { errorCodes, type ErrorCode } from '../../../../contracts';
import type { DocumentedProcedure } from './list-documented-procedures';
import { requestIdHeader, retryAfterHeader, wwwAuthenticateHeader } from './standard-headers';

/** Component name of the error envelope schema. */
export const ERROR_RESPONSE_SCHEMA = 'ErrorResponse';

/** Descriptions of error statuses that a procedure's `openapi.errorResponses` does not describe. */
const defaultDescriptions: Record<number, string> = {
  400: 'Invalid input: `details` names each failing field and the fix.',
  401: 'The request carries no valid API key.',
  403: 'The API key may not perform this operation.',
  404: 'Not found.',
  409: 'The request conflicts with the current state.',
  413: 'The request body is larger than the server accepts for this operation.',
  415: 'The request body is not `application/json`.',
  422: 'The idempotency key was already used for a different request; send a new key for a new request.',
  429: 'Too many requests: retry later.',
  500: 'Unexpected server error: `requestId` identifies it in the server log.',
  503: 'The server cannot serve the request right now: retry later.',
};

/** Facts about an operation that decide its error statuses. */
export interface ErrorResponseContext {
  /** Error statuses trpc-to-openapi generated: those of `errorResponses`, or its defaults when that is missing. */
  generatedStatuses: number[];
  hasRequestBody: boolean;
  requiresAuthentication: boolean;
  acceptsIdempotencyKey: boolean;
}

/**
 * Builds the error responses of one operation, all with the error envelope. The statuses are
 * those of `openapi.errorResponses`, or trpc-to-openapi's defaults without 401 and 403 when it is
 * missing. Added to them are 413 and 415 for request bodies, 401 and 403 for operations with a
 * security requirement, 422 for idempotency keys, and 429 and 500 for every operation.
 */
export function describeErrorResponses(procedure: DocumentedProcedure, context: ErrorResponseContext): Record<string, oas31.ResponseObject> {
  const statuses = new Map<number, string | undefined>(listedStatuses(procedure, context.generatedStatuses));
  const add = (status: number, when: boolean) => {
    if (when && !statuses.has(status)) statuses.set(status, undefined);
  };
  add(401, context.requiresAuthentication);
  add(403, context.requiresAuthentication);
  add(413, context.hasRequestBody);
  add(415, context.hasRequestBody);
  add(422, context.acceptsIdempotencyKey);
  add(429, true);
  add(500, true);

  const responses: Record<string, oas31.ResponseObject> = {};
  for (const status of [...statuses.keys()].sort((a, b) => a - b)) {
    const description = statuses.get(status) ?? defaultDescriptions[status] ?? `Error ${status}.`;
    responses[String(status)] = errorResponse(status, description);
  }
  return responses;
}

function listedStatuses(procedure: DocumentedProcedure, generatedStatuses: number[]): Array<[number, string | undefined]> {
  const listed = procedure.openapi.errorResponses;
  if (Array.isArray(listed)) return listed.map((status) => [status, undefined]);
  if (listed !== undefined) return Object.entries(listed).map(([status, description]) => [Number(status), description]);
  // The generator's defaults include 401 and 403 whether or not the API checks credentials.
  return generatedStatuses.filter((status) => status !== 401 && status !== 403).map((status) => [status, undefined]);
}

/** Headers that the HTTP layer adds to some error statuses. */
const statusHeaders: Record<number, oas31.HeadersObject> = {
  401: { 'WWW-Authenticate': wwwAuthenticateHeader },
  429: { 'Retry-After': retryAfterHeader },
};

function errorResponse(status: number, description: string): oas31.ResponseObject {
  return {
    description,
    headers: { 'x-request-id': requestIdHeader, ...statusHeaders[status] },
    content: {
      'application/json': {
        schema: { $ref: `#/components/schemas/${ERROR_RESPONSE_SCHEMA}` },
        example: exampleError(status, description),
      },
    },
  };
}

/** Builds an example body whose `code` belongs to `status`, so viewers do not show an unrelated code. */
function exampleError(status: number, description: string): unknown {
  const code = (Object.keys(errorCodes) as ErrorCode[]).find((key) => errorCodes[key].status === status) ?? 'INTERNAL';
  return {
    success: false,
    error: { code, message: description, requestId: '4f6b2c1e-8d3a-4b7e-9f10-2a5c6d7e8f90' },
  };
}
