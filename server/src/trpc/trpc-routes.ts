import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { TRPC_ERROR_CODES_BY_KEY } from '@trpc/server/rpc';
import type { Context, Hono } from 'hono';
import { ApiError, appRouter, ledgerTransformer, errorCodes, type ApiContext, type ApiErrorData } from '../../../contracts';
import type { AppEnv, AppServices } from '../http/app-env';
import { toApiError } from '../http/error-response';
import { parseJsonText } from '../http/parse-json-body';
import { connectionHeaders, readJsonRequestText } from '../http/read-json-request';

/**
 * Serves the procedures over tRPC at `/trpc`. Bodies and `input` query parameters pass the
 * same strict JSON checks as REST bodies before tRPC parses them, so both transports reject
 * the same inputs with the same codes.
 */
export function registerTrpcRoutes(app: Hono<AppEnv>, services: AppServices): void {
  app.all('/trpc/*', async (c) => {
    let body: string | undefined;
    try {
      if (c.req.method === 'POST') body = (await readJsonRequestText(c, services.maxBodyBytes)).text;
      else checkQueryInput(c.req.url);
    } catch (error) {
      const { error: apiError } = toApiError(error);
      return trpcErrorResponse(c, withInputFields(apiError), connectionHeaders(error));
    }

    const request = body === undefined ? c.req.raw : new Request(c.req.url, { method: 'POST', headers: c.req.raw.headers, body });
    return fetchRequestHandler({
      endpoint: '/trpc',
      req: request,
      router: appRouter,
      createContext: (): ApiContext => ({
        api: {
          events: services.events.forCaller(c.get('caller')),
          workflows: services.workflows.forCaller(c.get('caller')),
        },
        requestId: c.get('requestId'),
      }),
      onError: ({ error, path }) => {
        if (error.code === 'INTERNAL_SERVER_ERROR') {
          services.logger.error({ err: error.cause ?? error, requestId: c.get('requestId'), procedure: path }, 'procedure failed');
        }
      },
    });
  });
}

function checkQueryInput(url: string): void {
  const start = url.indexOf('?');
  if (start === -1) return;
  const input = new URLSearchParams(url.slice(start + 1)).get('input');
  if (input !== null) parseJsonText(input, 'input');
}

/** Matches the superjson envelope `json`, after an optional batch index, at the start of a field path. */
const envelopePrefix = /^(?:\["\d+"\]\.?)?json(?:\.|(?=\[)|$)/;

/**
 * Rewrites field paths of the raw request text, such as `json.payload.a`, to paths of the
 * procedure input (`payload.a`), so details name the same fields as over REST.
 */
function withInputFields(error: ApiError): ApiError {
  if (error.details === undefined) return error;
  const details = error.details.map((detail) => {
    const prefix = envelopePrefix.exec(detail.field);
    if (prefix === null) return detail;
    return { ...detail, field: detail.field.slice(prefix[0].length) || 'body' };
  });
  return new ApiError(error.code, error.message, details);
}

/** Builds the response to a request that failed before tRPC parsed it, in tRPC's own error format, so tRPC clients can read it. */
export function trpcErrorResponse(c: Context<AppEnv>, error: ApiError, extraHeaders: Record<string, string>): Response {
  const status = errorCodes[error.code].status;
  const data: ApiErrorData = { code: error.code, httpStatus: status, requestId: c.get('requestId') };
  if (error.details !== undefined) data.details = error.details;
  const shape = { message: error.message, code: TRPC_ERROR_CODES_BY_KEY[errorCodes[error.code].trpc], data };
  const single = { error: ledgerTransformer.serialize(shape) };
  const url = new URL(c.req.url);
  const procedures = url.pathname.slice('/trpc/'.length).split(',').length;
  const payload = url.searchParams.get('batch') === '1' ? Array.from({ length: procedures }, () => single) : single;
  const headers = { 'content-type': 'application/json; charset=utf-8', ...extraHeaders };
  return new Response(JSON.stringify(payload), { status, headers });
}
