import { TRPCClientError } from '@trpc/client';
import { EventsClientError } from '../../../client';
import type { ApiErrorData } from '../../../contracts';

/** An expected failure that the CLI reports as one message on stderr, without a stack trace. */
export class CliError extends Error {
  override readonly name = 'CliError';

  constructor(
    message: string,
    /** Exit status of the process. */
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/**
 * Describes an error for stderr. API errors show their stable code, message and failing fields.
 * Network errors show the innermost cause, such as `connect ECONNREFUSED 127.0.0.1:3000`, and how
 * to point the CLI at the server. Other errors show their message only.
 */
export function describeCliError(error: unknown): string {
  if (error instanceof EventsClientError) return describeClientError(error);
  if (error instanceof TRPCClientError) return describeClientError(fromTrpcError(error));
  if (error instanceof Error) return error.message;
  return String(error);
}

/**
 * Converts an error of a raw tRPC call, such as `client.trpc.workflows.list`, which the events
 * client's helpers would have converted themselves.
 */
function fromTrpcError(error: TRPCClientError<never>): EventsClientError {
  const data = error.data as Partial<ApiErrorData> | undefined;
  if (data?.code === undefined) return new EventsClientError(error.message, 'NETWORK_ERROR', undefined, undefined, undefined, { cause: error });
  return new EventsClientError(error.message, data.code, data.httpStatus, data.details, data.requestId, { cause: error });
}

function describeClientError(error: EventsClientError): string {
  if (error.code === 'NETWORK_ERROR') {
    return `NETWORK_ERROR: ${innermostMessage(error)}. Check that the server runs at the URL set with --url or EVENTS_URL.`;
  }
  const lines = [`${error.code}: ${error.message}`];
  for (const problem of error.details ?? []) {
    if (!error.message.includes(problem.message)) lines.push(`  ${problem.field}: ${problem.message}`);
  }
  // The request id finds the server's log entry of an internal failure; other errors explain themselves.
  const serverFailed = error.status !== undefined && error.status >= 500;
  if (serverFailed && error.requestId !== undefined) lines.push(`  request id: ${error.requestId}`);
  return lines.join('\n');
}

/** Follows `cause` links, because fetch reports only "fetch failed" and keeps the reason in its cause. */
function innermostMessage(error: Error): string {
  let current: unknown = error;
  let message = error.message;
  for (let depth = 0; depth < 10 && current instanceof Error; depth++) {
    if (current.message !== '') message = current.message;
    current = current.cause;
  }
  return message;
}
