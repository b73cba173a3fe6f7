import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalize } from '../../src/ledger/canonical-json';
import { startTestServer, type TestServer } from '../support/start-test-server';
import { send, successData, type ApiResponse } from '../auth/support/api-calls';
import { expectChainVerifies, expectServerAlive } from './support/ledger-state';

interface ApiEvent {
  id: string;
  type: string;
  actor: unknown;
  payload: unknown;
  orgId: string;
}

const runs = { numRuns: 200, interruptAfterTimeLimit: 25_000, markInterruptAsFailure: false };
const seededTypes = ['prop.seed.one', 'prop.seed.two'];

let server: TestServer;
let seededCursor: string;

beforeAll(async () => {
  server = await startTestServer();
  for (const type of [...seededTypes, ...seededTypes]) {
    await post('rest', JSON.stringify({ type, actor: { type: 'user', id: 'usr_seed' }, payload: {}, orgId: 'org_prop' }));
  }
  seededCursor = successData<{ nextCursor: string }>(await send(server.url, '/events?limit=1')).nextCursor;
});

afterAll(async () => {
  await server.stop();
});

function post(transport: 'rest' | 'trpc', bodyText: string): Promise<ApiResponse> {
  const path = transport === 'rest' ? '/events' : '/trpc/events.publish';
  const body = transport === 'rest' ? bodyText : `{"json":${bodyText}}`;
  return send(server.url, path, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
}

const anyText = fc.string({ unit: 'binary', maxLength: 24 });
const typeHandle = fc.stringMatching(/^[a-z0-9_-]{1,8}(\.[a-z0-9_-]{1,8}){0,3}$/);
const identifier = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,20}$/);
/** Object keys: any text, and often a name of an Object.prototype member. */
const objectKey = fc.oneof(anyText, fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'));

/** A publish body the API accepts, apart from rare values such as integers beyond 2^53 inside the payload. */
const validPublish = fc.record(
  {
    type: typeHandle,
    actor: fc.record({ type: identifier, id: identifier, name: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }) }, { requiredKeys: ['type', 'id'] }),
    payload: fc.dictionary(objectKey, fc.jsonValue({ maxDepth: 4, stringUnit: 'binary' }), { maxKeys: 6 }),
    orgId: fc.constant('org_prop'),
    idempotencyKey: fc.uuid(),
  },
  { requiredKeys: ['type', 'actor', 'payload', 'orgId'] },
);

/** One way to spoil a valid body, each of which the API must reject with a 4xx. */
const publishMutation = fc.oneof(
  fc.record({ type: fc.oneof(anyText, fc.integer(), fc.constant(null)) }),
  fc.record({ actor: fc.jsonValue({ maxDepth: 2 }) }),
  fc.record({ payload: fc.jsonValue({ maxDepth: 3 }) }),
  fc.record({ orgId: anyText }),
  fc.record({ idempotencyKey: fc.oneof(fc.constant(''), fc.string({ minLength: 256, maxLength: 300 }), fc.integer()) }),
  fc.dictionary(anyText, fc.jsonValue({ maxDepth: 1 }), { minKeys: 1, maxKeys: 2 }),
);

/** Valid bodies half of the time, spoilt ones otherwise. */
const publishInput = fc
  .tuple(validPublish, fc.option(publishMutation, { freq: 2 }))
  .map(([valid, mutation]) => (mutation === null ? valid : { ...valid, ...mutation }));

describe('publish property', () => {
  it('never answers 5xx and stores what it accepts', async () => {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(publishInput, fc.constantFrom('rest' as const, 'trpc' as const), async (input, transport) => {
        const bodyText = JSON.stringify(input);

        const response = await post(transport, bodyText);

        expect(response.status, response.text.slice(0, 300)).toBeLessThan(500);
        if (response.status >= 300) return;
        accepted += 1;
        const event = successData<ApiEvent>(response);
        const readBack = successData<ApiEvent>(await send(server.url, `/events/${event.id}`));
        const sent = JSON.parse(bodyText) as { type: string; actor: unknown; payload: unknown; orgId: string };
        expect(readBack.type).toBe(sent.type);
        expect(readBack.orgId).toBe(sent.orgId);
        expect(canonicalize(readBack.actor)).toBe(canonicalize(sent.actor));
        expect(canonicalize(readBack.payload)).toBe(canonicalize(sent.payload));
      }),
      runs,
    );
    // The generators aim for a mix, so the property must not pass by rejecting everything.
    expect(accepted).toBeGreaterThan(20);
    await expectChainVerifies(server);
    await expectServerAlive(server.url);
  });
});

/** A list query the API accepts: a subset of filters with valid values. */
const validListQuery = fc.record(
  {
    type: fc.constantFrom(...seededTypes),
    limit: fc.integer({ min: 1, max: 500 }).map(String),
    order: fc.constantFrom('asc', 'desc'),
    actorId: fc.constantFrom('usr_seed', 'usr_other'),
    orgId: fc.constantFrom('org_prop', 'org_other'),
    since: fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((date) => date.toISOString()),
  },
  { requiredKeys: [] },
);

/** One way to spoil a valid query. */
const listMutation = fc.oneof(
  fc.record({ type: anyText }),
  fc.record({ limit: fc.oneof(fc.integer({ min: -5, max: 600 }).map(String), anyText, fc.double().map(String)) }),
  fc.record({ cursor: fc.oneof(fc.constant('SEEDED'), anyText, fc.base64String({ maxLength: 60 }).map((text) => `cx_${text}`)) }),
  fc.record({ order: anyText }),
  fc.record({ orgId: anyText }),
  fc.record({ since: anyText }),
  fc.record({ after: fc.oneof(fc.constant('evt_00000000000000000000000000'), anyText) }),
  fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), anyText, { minKeys: 1, maxKeys: 2 }),
);

const listQuery = fc
  .tuple(validListQuery, fc.option(listMutation, { freq: 2 }))
  .map(([valid, mutation]) => (mutation === null ? valid : { ...valid, ...mutation }));

describe('list property', () => {
  it('never answers 5xx and honours its filters', async () => {
    let answered = 0;
    await fc.assert(
      fc.asyncProperty(listQuery, fc.constantFrom('rest' as const, 'trpc' as const), async (query, transport) => {
        const filters: Record<string, string> = Object.fromEntries(
          Object.entries(query).map(([name, value]) => [name, value === 'SEEDED' && name === 'cursor' ? seededCursor : value]),
        );
        const response = transport === 'rest' ? await send(server.url, `/events?${new URLSearchParams(filters)}`) : await trpcList(filters);

        expect(response.status, response.text.slice(0, 300)).toBeLessThan(500);
        if (response.status !== 200) return;
        answered += 1;
        const page = successData<{ events: ApiEvent[] }>(response);
        const limit = /^\d+$/.test(filters.limit ?? '') ? Number(filters.limit) : 50;
        expect(page.events.length).toBeLessThanOrEqual(limit);
        if (filters.type !== undefined) expect(page.events.every((event) => event.type === filters.type)).toBe(true);
        if (filters.orgId !== undefined) expect(page.events.every((event) => event.orgId === filters.orgId)).toBe(true);
      }),
      runs,
    );
    expect(answered).toBeGreaterThan(20);
    await expectServerAlive(server.url);
  });
});

/** Sends the list over tRPC, with a numeric-looking limit as a number as a typed client would. */
function trpcList(filters: Record<string, string>): Promise<ApiResponse> {
  const input: Record<string, unknown> = { ...filters };
  if (filters.limit !== undefined && /^-?\d+$/.test(filters.limit)) input.limit = Number(filters.limit);
  return send(server.url, `/trpc/events.list?input=${encodeURIComponent(JSON.stringify({ json: input }))}`);
}
