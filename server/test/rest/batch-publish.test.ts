import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventsClient, EventsClientError } from '../../../client';
import { detailFields, eventInput, expectError, postJson, type ApiEvent } from '../support/api-helpers';
import { startTestServer, type TestServer } from '../support/start-test-server';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server.stop();
});

async function countEvents(orgId: string): Promise<number> {
  const response = await request(server.url).get(`/events?orgId=${orgId}&limit=500`);
  return (response.body as { data: { events: unknown[] } }).data.events.length;
}

describe('POST /events/batch', () => {
  it('stores every event in request order', async () => {
    const events = Array.from({ length: 120 }, (_, index) => eventInput('batch.order', 'org_batch_order', { index }));
    const response = await postJson(server.url, '/events/batch', JSON.stringify({ events }));
    expect(response.status, response.text).toBe(201);
    const data = (response.body as { data: { events: ApiEvent[]; replayed: boolean[] } }).data;
    expect(data.events.map((event) => event.payload.index)).toEqual(events.map((_, index) => index));
    expect(data.replayed).toEqual(events.map(() => false));

    const listed = await request(server.url).get('/events?orgId=org_batch_order&limit=500');
    expect((listed.body as { data: { events: ApiEvent[] } }).data.events).toEqual(data.events);
  });

  it('accepts the maximum of 500 events', async () => {
    const events = Array.from({ length: 500 }, (_, index) => eventInput('batch.max', 'org_batch_max', { index }));
    const response = await postJson(server.url, '/events/batch', JSON.stringify({ events }));
    expect(response.status, response.text).toBe(201);
    expect(await countEvents('org_batch_max')).toBe(500);
  });

  it('rejects 501 events and writes nothing', async () => {
    const events = Array.from({ length: 501 }, () => eventInput('batch.over', 'org_batch_over'));
    const response = await postJson(server.url, '/events/batch', JSON.stringify({ events }));
    const body = expectError(response, 400, 'VALIDATION_FAILED');
    expect(detailFields(body)).toEqual(['events']);
    expect(await countEvents('org_batch_over')).toBe(0);
  });

  it('fails the whole batch for one invalid event, naming its index', async () => {
    const events = [eventInput('batch.atomic', 'org_batch_atomic'), eventInput('batch.atomic', 'org_batch_atomic'), { ...eventInput('batch.atomic', 'org_batch_atomic'), type: 'not valid' }];
    const response = await postJson(server.url, '/events/batch', JSON.stringify({ events }));
    const body = expectError(response, 400, 'VALIDATION_FAILED');
    expect(detailFields(body)).toEqual(['events[2].type']);
    expect(await countEvents('org_batch_atomic')).toBe(0);
  });

  it('fails the whole batch on an idempotency conflict, naming its index', async () => {
    const first = await postJson(server.url, '/events', JSON.stringify(eventInput('batch.conflict', 'org_batch_conflict', { n: 1 })), { 'idempotency-key': 'key-1' });
    expect(first.status).toBe(201);
    const events = [
      eventInput('batch.conflict', 'org_batch_conflict', { n: 2 }),
      { ...eventInput('batch.conflict', 'org_batch_conflict', { n: 3 }), idempotencyKey: 'key-1' },
    ];
    const response = await postJson(server.url, '/events/batch', JSON.stringify({ events }));
    const body = expectError(response, 422, 'IDEMPOTENCY_CONFLICT');
    expect(detailFields(body)).toEqual(['events[1].idempotencyKey']);
    expect(await countEvents('org_batch_conflict')).toBe(1);
  });

  it('replays a batch sent again with the same idempotency keys', async () => {
    const events = [0, 1, 2].map((n) => ({ ...eventInput('batch.replay', 'org_batch_replay', { n }), idempotencyKey: `replay-${n}` }));
    const first = await postJson(server.url, '/events/batch', JSON.stringify({ events }));
    const second = await postJson(server.url, '/events/batch', JSON.stringify({ events }));
    expect(second.status).toBe(201);
    expect(second.headers['idempotent-replayed']).toBe('true');
    const firstData = (first.body as { data: { events: ApiEvent[] } }).data;
    const secondData = (second.body as { data: { events: ApiEvent[]; replayed: boolean[] } }).data;
    expect(secondData.events).toEqual(firstData.events);
    expect(secondData.replayed).toEqual([true, true, true]);
    expect(await countEvents('org_batch_replay')).toBe(3);
  });

  it('answers 405 to GET with an Allow header', async () => {
    const response = await request(server.url).get('/events/batch');
    expectError(response, 405, 'METHOD_NOT_ALLOWED');
    expect(response.headers.allow).toBe('POST');
  });

  it('has its own body limit, larger than the single-event one', async () => {
    const small = await startTestServer({ maxBodyBytes: 4096, maxBatchBodyBytes: 64 * 1024 });
    try {
      const events = Array.from({ length: 40 }, (_, index) => eventInput('batch.limit', 'org_batch_limit', { index, text: 'x'.repeat(200) }));
      const body = JSON.stringify({ events });
      expect(body.length).toBeGreaterThan(4096);
      const accepted = await postJson(small.url, '/events/batch', body);
      expect(accepted.status, accepted.text).toBe(201);
      const tooLarge = await postJson(small.url, '/events/batch', JSON.stringify({ events: [...events, ...events, ...events, ...events, ...events, ...events, ...events] }));
      expectError(tooLarge, 413, 'PAYLOAD_TOO_LARGE');
    } finally {
      await small.stop();
    }
  });
});

describe('events.publishBatch over tRPC', () => {
  it('stores the events and reports the failing index in error details', async () => {
    const client = createEventsClient({ url: server.url });
    const stored = await client.trpc.events.publishBatch.mutate({
      events: [eventInput('batch.trpc', 'org_batch_trpc', { n: 1 }), eventInput('batch.trpc', 'org_batch_trpc', { n: 2 })] as never,
    });
    expect(stored.events.map((event) => event.payload.n)).toEqual([1, 2]);

    const failure = await client.trpc.events.publishBatch
      .mutate({ events: [eventInput('batch.trpc', 'org_batch_trpc'), { ...eventInput('batch.trpc', 'org_batch_trpc'), payload: [] }] as never })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Error);
    const data = (failure as { data?: { code?: string; details?: Array<{ field: string }> } }).data;
    expect(data?.code).toBe('VALIDATION_FAILED');
    expect(data?.details?.map((detail) => detail.field)).toEqual(['events[1].payload']);
    expect(EventsClientError).toBeDefined();
  });
});
