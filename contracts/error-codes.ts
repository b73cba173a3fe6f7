import type { TRPC_ERROR_CODE_KEY } from '@trpc/server';

/**
 * Every stable error code of the API, with the HTTP status REST returns and the tRPC code the
 * tRPC transport uses. Codes are part of the public API: add new ones, never rename.
 */
export const errorCodes = {
  VALIDATION_FAILED: { status: 400, trpc: 'BAD_REQUEST' },
  INVALID_JSON: { status: 400, trpc: 'BAD_REQUEST' },
  INVALID_CURSOR: { status: 400, trpc: 'BAD_REQUEST' },
  UNAUTHORIZED: { status: 401, trpc: 'UNAUTHORIZED' },
  FORBIDDEN: { status: 403, trpc: 'FORBIDDEN' },
  NOT_FOUND: { status: 404, trpc: 'NOT_FOUND' },
  METHOD_NOT_ALLOWED: { status: 405, trpc: 'METHOD_NOT_SUPPORTED' },
  CONFLICT: { status: 409, trpc: 'CONFLICT' },
  PAYLOAD_TOO_LARGE: { status: 413, trpc: 'PAYLOAD_TOO_LARGE' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, trpc: 'UNSUPPORTED_MEDIA_TYPE' },
  IDEMPOTENCY_CONFLICT: { status: 422, trpc: 'UNPROCESSABLE_CONTENT' },
  RATE_LIMITED: { status: 429, trpc: 'TOO_MANY_REQUESTS' },
  INTERNAL: { status: 500, trpc: 'INTERNAL_SERVER_ERROR' },
  UNAVAILABLE: { status: 503, trpc: 'SERVICE_UNAVAILABLE' },
} as const satisfies Record<string, { status: number; trpc: TRPC_ERROR_CODE_KEY }>;

export type ErrorCode = keyof typeof errorCodes;

/** One failing input field: a dotted path such as `payload.items[2]` and what to fix. */
export interface FieldProblem {
  field: string;
  message: string;
}

/**
 * The one error type of the API. Domain code throws it; both transports map `code` through
 * `errorCodes`, so REST and tRPC always report the same failure the same way.
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: FieldProblem[],
  ) {
    super(message);
  }

  get status(): number {
    return errorCodes[this.code].status;
  }
}

/** Builds a VALIDATION_FAILED error for one field, with that field in `details`. */
export function invalidField(field: string, message: string): ApiError {
  return new ApiError('VALIDATION_FAILED', message, [{ field, message }]);
}
