import { expect } from 'vitest';
import type { CreatedWorkflow, Run, Workflow } from '../../../../contracts';

/** Status and parsed body of a REST call. */
export interface ApiResponse<Data = unknown> {
  status: number;
  headers: Headers;
  data: Data;
  error?: { code: string; message: string; details?: Array<{ field: string; message: string }> };
}

/** Sends a REST request with a JSON body (when given) and an API key (when given), and parses the envelope. */
export async function call<Data = unknown>(url: string, method: string, path: string, body?: unknown, apiKey?: string): Promise<ApiResponse<Data>> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(apiKey === undefined ? {} : { authorization: `Bearer ${apiKey}` }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const parsed = text === '' ? {} : (JSON.parse(text) as { data?: Data; error?: ApiResponse['error'] });
  return { status: response.status, headers: response.headers, data: parsed.data as Data, error: parsed.error };
}

/** Creates a webhook workflow and returns it with its secret; fails the test unless the status is 201. */
export async function createWorkflow(url: string, input: Record<string, unknown>): Promise<CreatedWorkflow> {
  const response = await call<CreatedWorkflow>(url, 'POST', '/workflows', input);
  expect(response.status, JSON.stringify(response.error)).toBe(201);
  return response.data;
}

/** Publishes an event and returns its id; fails the test unless the status is 201. */
export async function publishEvent(url: string, type: string, orgId: string, payload: Record<string, unknown> = {}): Promise<string> {
  const response = await call<{ id: string }>(url, 'POST', '/events', { type, actor: { type: 'user', id: 'usr_test' }, payload, orgId });
  expect(response.status, JSON.stringify(response.error)).toBe(201);
  return response.data.id;
}

/** Returns the runs of an event (first page, up to 500). */
export async function eventRuns(url: string, eventId: string): Promise<Run[]> {
  const response = await call<{ runs: Run[] }>(url, 'GET', `/events/${eventId}/runs?limit=500`);
  expect(response.status, JSON.stringify(response.error)).toBe(200);
  return response.data.runs;
}

/** Returns one run. */
export async function getRun(url: string, runId: string): Promise<Run> {
  const response = await call<Run>(url, 'GET', `/runs/${runId}`);
  expect(response.status, JSON.stringify(response.error)).toBe(200);
  return response.data;
}

/** Returns one workflow. */
export async function getWorkflow(url: string, id: string): Promise<ApiResponse<Workflow>> {
  return call<Workflow>(url, 'GET', `/workflows/${id}`);
}

/** Returns a retry policy that keeps tests fast: delays of at most `maxDelayMs`. */
export function fastRetry(maxAttempts: number, maxDelayMs = 20): Record<string, number> {
  return { maxAttempts, initialDelayMs: 5, maxDelayMs };
}
