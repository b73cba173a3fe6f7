import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { createEventsClient, EventsClientError, type EventsClient } from '../../../client/index';
import { limits, type ErrorCode } from '../../../contracts';
import { referenceRequestBody } from '../support/api-helpers';
import { startTestServer } from '../support/start-test-server';

type Transport = 'rest' | 'trpc';

/** What a call came to: `OK` or the stable error code, the HTTP status and the fields named in details. */
interface Outcome {
  code: 'OK' | ErrorCode;
  status: number;
  fields: string[];
}

/** What every case may use: the server, a typed client, and an event and a cursor made beforehand. */
interface CaseContext {
  url: string;
  client: EventsClient;
  eventId: string;
  /** A cursor issued for `type: parity.cursor.a`. */
  cursor: string;
}

interface ParityCase {
  name: string;
  expected: { code: Outcome['code']; fields?: string[] };
  /** Undefined for inputs that only tRPC can carry, which are compared across call orders only. */
  rest: ((context: CaseContext) => Promise<Outcome>) | undefined;
  trpc: (context: CaseContext) => Promise<Outcome>;
}

const event = { type: 'parity.event', actor: { type: 'user', id: 'usr_parity' }, orgId: 'org_parity' };

function publishText(payloadText: string): string {
  return `{"type":"parity.event","actor":{"type":"user","id":"usr_parity"},"orgId":"org_parity","payload":${payloadText}}`;
}

function withoutKey(key: string): string {
  const copy: Record<string, unknown> = { ...event, payload: {} };
  delete copy[key];
  return JSON.stringify(copy);
}

function nested(levels: number): string {
  return `${'{"a":'.repeat(levels - 1)}{}${'}'.repeat(levels - 1)}`;
}

async function restOutcome(response: request.Response): Promise<Outcome> {
  if (response.status < 300) return { code: 'OK', status: response.status, fields: [] };
  const error = (response.body as { error: { code: ErrorCode; details?: Array<{ field: string }> } }).error;
  return { code: error.code, status: response.status, fields: (error.details ?? []).map((detail) => detail.field) };
}

/** Sends a publish body over REST exactly as given. */
function restPublish(body: string, contentType = 'application/json') {
  return async ({ url }: CaseContext) => restOutcome(await request(url).post('/events').set('content-type', contentType).send(body));
}

/** Sends a publish input over tRPC as superjson text with no meta, so the input JSON is byte for byte the REST body. */
function trpcPublishRaw(input: string, contentType = 'application/json') {
  return async ({ url }: CaseContext): Promise<Outcome> => {
    const body = input.trim() === '' ? input : `{"json":${input}}`;
    const response = await request(url).post('/trpc/events.publish').set('content-type', contentType).send(body);
    if (response.status < 300) return { code: 'OK', status: response.status, fields: [] };
    const data = (JSON.parse(response.text) as { error: { json: { data: { code: ErrorCode; httpStatus: number; details?: Array<{ field: string }> } } } }).error.json.data;
    expect(data.httpStatus).toBe(response.status);
    return { code: data.code, status: response.status, fields: (data.details ?? []).map((detail) => detail.field) };
  };
}

function restList(query: Record<string, string> | ((context: CaseContext) => Record<string, string>)) {
  return async (context: CaseContext) => {
    const values = typeof query === 'function' ? query(context) : query;
    return restOutcome(await request(context.url).get('/events').query(values));
  };
}

/** Calls the typed client and maps an EventsClientError to its outcome. */
function viaClient(call: (context: CaseContext) => Promise<unknown>) {
  return async (context: CaseContext): Promise<Outcome> => {
    try {
      await call(context);
      return { code: 'OK', status: 200, fields: [] };
    } catch (error) {
      if (!(error instanceof EventsClientError) || error.code === 'NETWORK_ERROR') throw error;
      return { code: error.code, status: error.status ?? 0, fields: (error.details ?? []).map((detail) => detail.field) };
    }
  };
}

/** Lets a test pass inputs the client's types forbid. */
function untyped<Value>(value: unknown): Value {
  return value as Value;
}

const oversizedBody = publishText(`{"text":"${'x'.repeat(1024 * 1024)}"}`);

const cases: ParityCase[] = [
  {
    name: 'reference example',
    expected: { code: 'OK' },
    rest: restPublish(referenceRequestBody),
    trpc: viaClient(({ client }) => client.publish(JSON.parse(referenceRequestBody))),
  },
  {
    name: 'missing type',
    expected: { code: 'VALIDATION_FAILED', fields: ['type'] },
    rest: restPublish(withoutKey('type')),
    trpc: viaClient(({ client }) => client.publish(untyped(JSON.parse(withoutKey('type'))))),
  },
  {
    name: 'bad type grammar',
    expected: { code: 'VALIDATION_FAILED', fields: ['type'] },
    rest: restPublish(JSON.stringify({ ...event, type: 'support..created', payload: {} })),
    trpc: viaClient(({ client }) => client.publish({ ...event, type: 'support..created', payload: {} })),
  },
  {
    name: 'missing actor',
    expected: { code: 'VALIDATION_FAILED', fields: ['actor'] },
    rest: restPublish(withoutKey('actor')),
    trpc: viaClient(({ client }) => client.publish(untyped(JSON.parse(withoutKey('actor'))))),
  },
  {
    name: 'extra unknown field',
    expected: { code: 'VALIDATION_FAILED', fields: ['extra'] },
    rest: restPublish(JSON.stringify({ ...event, payload: {}, extra: 1 })),
    trpc: viaClient(({ client }) => client.publish(untyped({ ...event, payload: {}, extra: 1 }))),
  },
  {
    name: 'payload an array',
    expected: { code: 'VALIDATION_FAILED', fields: ['payload'] },
    rest: restPublish(publishText('[1,2]')),
    trpc: trpcPublishRaw(publishText('[1,2]')),
  },
  {
    name: 'duplicate keys',
    expected: { code: 'VALIDATION_FAILED', fields: ['payload.a'] },
    rest: restPublish(publishText('{"a":1,"a":2}')),
    trpc: trpcPublishRaw(publishText('{"a":1,"a":2}')),
  },
  {
    name: 'lone surrogate escape',
    expected: { code: 'VALIDATION_FAILED', fields: ['payload.text'] },
    rest: restPublish(publishText('{"text":"\\ud800"}')),
    trpc: trpcPublishRaw(publishText('{"text":"\\ud800"}')),
  },
  {
    name: 'lone surrogate from the client',
    expected: { code: 'VALIDATION_FAILED', fields: ['payload.text'] },
    rest: restPublish(publishText('{"text":"\\udc00"}')),
    trpc: viaClient(({ client }) => client.publish({ ...event, payload: { text: '\udc00' } })),
  },
  {
    name: 'integer beyond 2^53 - 1',
    expected: { code: 'VALIDATION_FAILED', fields: ['payload.n'] },
    rest: restPublish(publishText('{"n":9007199254740993}')),
    trpc: trpcPublishRaw(publishText('{"n":9007199254740993}')),
  },
  {
    name: 'number beyond the float range',
    expected: { code: 'VALIDATION_FAILED', fields: ['payload.n'] },
    rest: restPublish(publishText('{"n":1e400}')),
    trpc: trpcPublishRaw(publishText('{"n":1e400}')),
  },
  {
    name: 'nesting one level too deep',
    expected: { code: 'VALIDATION_FAILED' },
    rest: restPublish(publishText(nested(limits.maxPayloadDepth + 1))),
    trpc: trpcPublishRaw(publishText(nested(limits.maxPayloadDepth + 1))),
  },
  {
    name: 'nesting 20,000 levels',
    expected: { code: 'VALIDATION_FAILED' },
    rest: restPublish(publishText(nested(20_000))),
    trpc: trpcPublishRaw(publishText(nested(20_000))),
  },
  {
    name: 'malformed JSON',
    expected: { code: 'INVALID_JSON' },
    rest: restPublish('{"type":"parity.event",'),
    trpc: trpcPublishRaw('{"type":"parity.event",'),
  },
  {
    name: 'empty body',
    expected: { code: 'INVALID_JSON' },
    rest: restPublish(''),
    trpc: trpcPublishRaw(''),
  },
  {
    name: 'text/plain body',
    expected: { code: 'UNSUPPORTED_MEDIA_TYPE' },
    rest: restPublish(referenceRequestBody, 'text/plain'),
    trpc: trpcPublishRaw(referenceRequestBody, 'text/plain'),
  },
  {
    name: 'uppercase JSON media type',
    expected: { code: 'OK' },
    rest: restPublish(referenceRequestBody, 'APPLICATION/JSON; charset=UTF-8'),
    trpc: trpcPublishRaw(referenceRequestBody, 'APPLICATION/JSON; charset=UTF-8'),
  },
  {
    name: 'body over the limit',
    expected: { code: 'PAYLOAD_TOO_LARGE' },
    rest: restPublish(oversizedBody),
    trpc: trpcPublishRaw(oversizedBody),
  },
  ...[0, 501, 2.5, -1].map(
    (limit): ParityCase => ({
      name: `list limit ${limit}`,
      expected: { code: 'VALIDATION_FAILED', fields: ['limit'] },
      rest: restList({ limit: String(limit) }),
      trpc: viaClient(({ client }) => client.list({ limit })),
    }),
  ),
  {
    name: 'list limit abc',
    expected: { code: 'VALIDATION_FAILED', fields: ['limit'] },
    rest: restList({ limit: 'abc' }),
    trpc: viaClient(({ client }) => client.list(untyped({ limit: 'abc' }))),
  },
  {
    name: 'list limit 2',
    expected: { code: 'OK' },
    rest: restList({ limit: '2' }),
    trpc: viaClient(({ client }) => client.list({ limit: 2 })),
  },
  {
    name: 'list limit as a numeric string over tRPC',
    expected: { code: 'VALIDATION_FAILED', fields: ['limit'] },
    rest: undefined,
    trpc: viaClient(({ client }) => client.list(untyped({ limit: '5' }))),
  },
  {
    name: 'cursor reused with another type',
    expected: { code: 'INVALID_CURSOR', fields: ['cursor'] },
    rest: restList(({ cursor }) => ({ type: 'parity.cursor.b', cursor })),
    trpc: viaClient(({ client, cursor }) => client.list({ type: 'parity.cursor.b', cursor })),
  },
  {
    name: 'cursor reused with the same type',
    expected: { code: 'OK' },
    rest: restList(({ cursor }) => ({ type: 'parity.cursor.a', limit: '1', cursor })),
    trpc: viaClient(({ client, cursor }) => client.list({ type: 'parity.cursor.a', limit: 1, cursor })),
  },
  {
    name: 'garbled cursor',
    expected: { code: 'INVALID_CURSOR', fields: ['cursor'] },
    rest: restList({ cursor: 'cx_garbled' }),
    trpc: viaClient(({ client }) => client.list({ cursor: 'cx_garbled' })),
  },
  {
    name: 'unknown list parameter',
    expected: { code: 'VALIDATION_FAILED', fields: ['page'] },
    rest: restList({ page: '2' }),
    trpc: viaClient(({ client }) => client.list(untyped({ page: '2' }))),
  },
  {
    name: 'malformed since',
    expected: { code: 'VALIDATION_FAILED', fields: ['since'] },
    rest: restList({ since: 'yesterday' }),
    trpc: viaClient(({ client }) => client.list({ since: 'yesterday' })),
  },
  {
    name: 'get an existing event',
    expected: { code: 'OK' },
    rest: async ({ url, eventId }) => restOutcome(await request(url).get(`/events/${eventId}`)),
    trpc: viaClient(({ client, eventId }) => client.get(eventId)),
  },
  {
    name: 'get an unknown id',
    expected: { code: 'NOT_FOUND' },
    rest: async ({ url }) => restOutcome(await request(url).get('/events/evt_00000000000000000000000000')),
    trpc: viaClient(({ client }) => client.get('evt_00000000000000000000000000')),
  },
  {
    name: 'get an over-long id',
    expected: { code: 'VALIDATION_FAILED', fields: ['id'] },
    rest: async ({ url }) => restOutcome(await request(url).get(`/events/evt_${'a'.repeat(200)}`)),
    trpc: viaClient(({ client }) => client.get(`evt_${'a'.repeat(200)}`)),
  },
  ...(
    [
      ['BigInt', 10n],
      ['Date', new Date('2026-06-16T17:00:00.000Z')],
      ['Map', new Map([['a', 1]])],
      ['Set', new Set([1])],
      ['undefined', undefined],
    ] as const
  ).map(
    ([kind, value]): ParityCase => ({
      name: `${kind} in payload over tRPC`,
      expected: { code: 'VALIDATION_FAILED', fields: ['payload'] },
      rest: undefined,
      trpc: viaClient(({ client }) => client.publish({ ...event, payload: { value } })),
    }),
  ),
];

/** Publishes two events of one type and takes a cursor after the first, over the given transport. */
async function prepare(url: string, client: EventsClient, transport: Transport): Promise<CaseContext> {
  const first = { ...event, type: 'parity.cursor.a', payload: {} };
  if (transport === 'rest') {
    const published = await request(url).post('/events').set('content-type', 'application/json').send(JSON.stringify(first));
    await request(url).post('/events').set('content-type', 'application/json').send(JSON.stringify(first));
    const page = await request(url).get('/events').query({ type: 'parity.cursor.a', limit: '1' });
    return { url, client, eventId: published.body.data.id as string, cursor: page.body.data.nextCursor as string };
  }
  const published = await client.publish(first);
  await client.publish(first);
  const page = await client.list({ type: 'parity.cursor.a', limit: 1 });
  return { url, client, eventId: published.id, cursor: page.nextCursor! };
}

/** Runs every case on a fresh server, all calls of one transport before all calls of the other. */
async function runInOrder(order: [Transport, Transport]): Promise<Record<Transport, Map<string, Outcome>>> {
  const server = await startTestServer();
  try {
    const client = createEventsClient({ url: server.url });
    const context = await prepare(server.url, client, order[0]);
    const results: Record<Transport, Map<string, Outcome>> = { rest: new Map(), trpc: new Map() };
    for (const transport of order) {
      for (const parityCase of cases) {
        const call = parityCase[transport];
        if (call !== undefined) results[transport].set(parityCase.name, await call(context));
      }
    }
    return results;
  } finally {
    await server.stop();
  }
}

let restFirst: Record<Transport, Map<string, Outcome>>;
let trpcFirst: Record<Transport, Map<string, Outcome>>;

beforeAll(async () => {
  restFirst = await runInOrder(['rest', 'trpc']);
  trpcFirst = await runInOrder(['trpc', 'rest']);
});

describe.each(cases)('$name', (parityCase) => {
  it('gives the expected outcome over tRPC', () => {
    const outcome = restFirst.trpc.get(parityCase.name)!;
    expect(outcome.code).toBe(parityCase.expected.code);
    if (parityCase.expected.fields !== undefined) expect(outcome.fields).toEqual(parityCase.expected.fields);
  });

  if (parityCase.rest === undefined) {
    it('matches in both call orders', () => {
      expect(trpcFirst.trpc.get(parityCase.name)).toEqual(restFirst.trpc.get(parityCase.name));
    });
    return;
  }

  it('gives the expected outcome over REST', () => {
    const outcome = restFirst.rest.get(parityCase.name)!;
    expect(outcome.code).toBe(parityCase.expected.code);
    if (parityCase.expected.fields !== undefined) expect(outcome.fields).toEqual(parityCase.expected.fields);
  });

  it('matches over REST and tRPC', () => {
    const rest = restFirst.rest.get(parityCase.name)!;
    const trpc = restFirst.trpc.get(parityCase.name)!;
    expect(trpc.code).toBe(rest.code);
    // Only where the case names its fields: tRPC's envelope takes one level of the nesting limit,
    // so a text nested past it fails one level earlier and names a shorter path.
    if (parityCase.expected.fields !== undefined) expect(trpc.fields).toEqual(rest.fields);
    if (rest.code !== 'OK') expect(trpc.status).toBe(rest.status);
  });

  it('matches in both call orders', () => {
    expect(trpcFirst.trpc.get(parityCase.name)).toEqual(restFirst.trpc.get(parityCase.name));
    expect(trpcFirst.rest.get(parityCase.name)).toEqual(restFirst.rest.get(parityCase.name));
  });
});

describe('payload keys that superjson treats specially', () => {
  const payloadText = '{"__proto__":{"polluted":true},"constructor":{"name":"x"},"prototype":1,"plain":"yes"}';

  function payloadWithSpecialKeys(): Record<string, unknown> {
    return JSON.parse(payloadText) as Record<string, unknown>;
  }

  it('keeps __proto__, constructor and prototype keys published over tRPC', async () => {
    const server = await startTestServer();
    try {
      const client = createEventsClient({ url: server.url });
      const stored = await client.publish({ ...event, payload: payloadWithSpecialKeys() });
      expect(Object.keys(stored.payload).sort()).toEqual(['__proto__', 'constructor', 'plain', 'prototype']);
      expect(Object.getPrototypeOf(stored.payload)).toBe(Object.prototype);

      const viaRest = await request(server.url).get(`/events/${stored.id}`);
      expect(JSON.stringify((JSON.parse(viaRest.text) as { data: { payload: unknown } }).data.payload)).toBe(
        '{"__proto__":{"polluted":true},"constructor":{"name":"x"},"plain":"yes","prototype":1}',
      );
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    } finally {
      await server.stop();
    }
  });

  it('returns such events over tRPC get, list and listAll', async () => {
    const server = await startTestServer();
    try {
      const published = await request(server.url)
        .post('/events')
        .set('content-type', 'application/json')
        .send(`{"type":"parity.special","actor":{"type":"user","id":"u"},"orgId":"org_parity","payload":${payloadText}}`);
      expect(published.status).toBe(201);
      const id = (published.body as { data: { id: string } }).data.id;

      const client = createEventsClient({ url: server.url });
      const got = await client.get(id);
      expect(Object.keys(got.payload).sort()).toEqual(['__proto__', 'constructor', 'plain', 'prototype']);
      const page = await client.list({ type: 'parity.special' });
      expect(page.events.map((item) => item.id)).toEqual([id]);
      const all: string[] = [];
      for await (const item of client.listAll({ type: 'parity.special' })) all.push(item.id);
      expect(all).toEqual([id]);
    } finally {
      await server.stop();
    }
  });
});

describe('key order of returned events', () => {
  it('matches over REST and tRPC', async () => {
    const server = await startTestServer();
    try {
      const client = createEventsClient({ url: server.url });
      const stored = await client.publish({ ...event, actor: { type: 'user', id: 'usr_order', name: 'Order Test' }, payload: { b: 1, a: 2 } });
      const viaRest = await request(server.url).get(`/events/${stored.id}`);
      const restData = (JSON.parse(viaRest.text) as { data: Record<string, unknown> }).data;
      const viaTrpc = await client.get(stored.id);
      expect(JSON.stringify(viaTrpc)).toBe(JSON.stringify(restData));
      expect(Object.keys(viaTrpc.actor)).toEqual(['id', 'name', 'type']);
    } finally {
      await server.stop();
    }
  });
});
