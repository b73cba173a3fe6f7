import { expect } from 'vitest';

/** A response read whole: status, headers, text and the parsed JSON body (undefined when not JSON). */
export interface ApiResponse {
  status: number;
  headers: Headers;
  text: string;
  body: unknown;
}

/** The error of a failed call, from the REST envelope or from a tRPC error's `data`. */
export interface ApiFailure {
  code: string;
  message: string;
  httpStatus?: number;
  requestId?: string;
}

/** Sends one request and reads the whole response. */
export async function send(
  url: string,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string | Uint8Array } = {},
): Promise<ApiResponse> {
  const response = await fetch(url + path, { method: init.method ?? 'GET', headers: init.headers, body: init.body });
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: response.status, headers: response.headers, text, body };
}

/** Builds request headers: the bearer key when given, JSON content type for bodies. */
export function headers(key: string | undefined, extra: Record<string, string> = {}): Record<string, string> {
  return { ...(key === undefined ? {} : { authorization: `Bearer ${key}` }), ...extra };
}

/** Sends `POST /events` with a JSON text exactly as given. */
export function restPublish(url: string, bodyText: string, key?: string, extra: Record<string, string> = {}): Promise<ApiResponse> {
  return send(url, '/events', { method: 'POST', headers: headers(key, { 'content-type': 'application/json', ...extra }), body: bodyText });
}

/** Sends `POST /trpc/events.publish` with the input JSON text wrapped in superjson's `{"json": ...}`, as the typed client does. */
export function trpcPublish(url: string, inputText: string, key?: string): Promise<ApiResponse> {
  return send(url, '/trpc/events.publish', { method: 'POST', headers: headers(key, { 'content-type': 'application/json' }), body: `{"json":${inputText}}` });
}

/** Sends a tRPC query such as `events.list`, with the input in the `input` query parameter. */
export function trpcQuery(url: string, procedure: string, inputText: string, key?: string): Promise<ApiResponse> {
  const input = encodeURIComponent(`{"json":${inputText}}`);
  return send(url, `/trpc/${procedure}?input=${input}`, { headers: headers(key) });
}

/** Returns the data of a successful REST or tRPC response. */
export function successData<Data>(response: ApiResponse): Data {
  const body = response.body as { success?: true; data?: Data; result?: { data: { json: Data } } };
  if (body?.result !== undefined) return body.result.data.json;
  return body.data as Data;
}

/** Reads the API error of a failed REST or tRPC response, or undefined when the body is neither envelope. */
export function failureOf(response: ApiResponse): ApiFailure | undefined {
  const body = response.body as
    | { success?: false; error?: { code?: string; message?: string; requestId?: string; json?: { message: string; data: { code: string; httpStatus: number; requestId?: string } } } }
    | undefined;
  const error = body?.error;
  if (error === undefined) return undefined;
  if (error.json !== undefined) {
    return { code: error.json.data.code, message: error.json.message, httpStatus: error.json.data.httpStatus, requestId: error.json.data.requestId };
  }
  if (body?.success === false && typeof error.code === 'string' && typeof error.message === 'string') {
    return { code: error.code, message: error.message, requestId: error.requestId };
  }
  return undefined;
}

/** Checks a failed response: the HTTP status and the stable API code, in either transport's envelope. */
export function expectFailure(response: ApiResponse, status: number, code: string): ApiFailure {
  const excerpt = response.text.slice(0, 500);
  expect(response.status, excerpt).toBe(status);
  const failure = failureOf(response);
  expect(failure, excerpt).toBeDefined();
  expect(failure!.code, excerpt).toBe(code);
  if (failure!.httpStatus !== undefined) expect(failure!.httpStatus).toBe(status);
  return failure!;
}

/** Builds a publish body for `orgId`, leaving it out when undefined so that the key's organisation applies. */
export function publishBody(type: string, orgId?: string, payload: Record<string, unknown> = {}): string {
  return JSON.stringify({ type, actor: { type: 'user', id: 'usr_test' }, payload, ...(orgId === undefined ? {} : { orgId }) });
}
