import request from 'supertest';
import { expect } from 'vitest';

/** The publish request body of the API reference, byte for byte as it documents it. */
export const referenceRequestBody = `{
  "type": "support.ticket.created",
  "actor": {
    "type": "user",
    "id": "usr_human_4455",
    "name": "Jane Doe"
  },
  "payload": {
    "ticketId": "TCK-101",
    "title": "Unable to modify team role settings",
    "priority": "high"
  },
  "orgId": "org_acme_123"
}`;

/** Event ids: `evt_` and 26 lowercase Crockford base32 characters. */
export const eventIdPattern = /^evt_[0-9abcdefghjkmnpqrstvwxyz]{26}$/;

/** ISO 8601 UTC with milliseconds, as the server writes timestamps. */
export const timestampPattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** A stored event as the API returns it. */
export interface ApiEvent {
  id: string;
  type: string;
  actor: { type: string; id: string; name?: string };
  payload: Record<string, unknown>;
  orgId: string;
  timestamp: string;
}

/** Builds a valid publish body; each test uses its own type or organisation to stay independent. */
export function eventInput(type: string, orgId: string, payload: Record<string, unknown> = {}, actorId = 'usr_test'): Record<string, unknown> {
  return { type, actor: { type: 'user', id: actorId }, payload, orgId };
}

/** Publishes one event over REST and returns it; fails the test unless the status is 201. */
export async function publish(url: string, input: unknown): Promise<ApiEvent> {
  const response = await postJson(url, '/events', JSON.stringify(input));
  expect(response.status, response.text).toBe(201);
  return (response.body as { data: ApiEvent }).data;
}

/** Publishes events one after another, so their ledger order is the order given. */
export async function publishInOrder(url: string, inputs: unknown[]): Promise<ApiEvent[]> {
  const events: ApiEvent[] = [];
  for (const input of inputs) events.push(await publish(url, input));
  return events;
}

/**
 * Publishes events concurrently and returns them in ledger order. The writer assigns ids in
 * increasing order as it appends, so sorting by id gives ledger order.
 */
export async function publishConcurrently(url: string, inputs: unknown[]): Promise<ApiEvent[]> {
  const events = await Promise.all(inputs.map((input) => publish(url, input)));
  return events.sort((a, b) => (a.id < b.id ? -1 : 1));
}

/** Sends a JSON text exactly as given, with `Content-Type: application/json` unless overridden. */
export function postJson(url: string, path: string, body: string, headers: Record<string, string> = {}): request.Test {
  return request(url).post(path).set({ 'content-type': 'application/json', ...headers }).send(body);
}

/** The error envelope every failed REST call returns. */
export interface ErrorBody {
  success: false;
  error: { code: string; message: string; details?: Array<{ field: string; message: string }>; requestId: string };
}

/**
 * Checks a REST error response: status, envelope, stable code, a request id equal to the
 * `x-request-id` header, and no internal detail. Returns the parsed body.
 */
export function expectError(response: request.Response, status: number, code: string): ErrorBody {
  expect(response.status, response.text).toBe(status);
  const body = JSON.parse(response.text) as ErrorBody;
  expect(body.success).toBe(false);
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message).toBe('string');
  expect(body.error.requestId).toBe(response.headers['x-request-id']);
  expectNoInternals(response.text);
  return body;
}

/** Fields named in an error's details. */
export function detailFields(body: ErrorBody): string[] {
  return (body.error.details ?? []).map((detail) => detail.field);
}

/** Fails when a response text shows a stack trace or a file path of the server. */
export function expectNoInternals(text: string): void {
  expect(text).not.toContain('/work/');
  expect(text).not.toContain('node_modules');
  expect(text).not.toContain('.ts:');
  expect(text).not.toMatch(/\n\s+at /);
}
