import { createServer, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../server/test/support/start-test-server';
import type { Event, PublishInput } from '../../contracts';
import { createEventsClient, EventsClientError, type EventsClient } from '../index';

// The client runs against a real server on a real socket; only the test imports server code.

let server: TestServer;
let client: EventsClient;

const referenceEvent: PublishInput = {
  type: 'support.ticket.created',
  actor: { type: 'user', id: 'usr_human_4455', name: 'Jane Doe' },
  payload: { ticketId: 'TCK-101', title: 'Unable to modify team role settings', priority: 'high' },
  orgId: 'org_acme_123',
};

beforeAll(async () => {
  server = await startTestServer();
  client = createEventsClient({ url: server.url });
});

afterAll(async () => {
  await server.stop();
});

/** Returns a local port that was free a moment ago and has no listener now. */
async function closedPort(): Promise<number> {
  const listener = createServer();
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const { port } = listener.address() as AddressInfo;
  await new Promise((resolve) => listener.close(resolve));
  return port;
}

/** Runs a call that must fail and returns its EventsClientError. */
async function clientError(call: () => Promise<unknown>): Promise<EventsClientError> {
  const error = await call().then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(EventsClientError);
  return error as EventsClientError;
}

describe('createEventsClient against a live server', () => {
  let published: Event;

  beforeAll(async () => {
    published = await client.publish(referenceEvent);
  });

  it('publish returns the stored event', () => {
    expect(published.id).toMatch(/^evt_[0-9a-z]{26}$/);
    expect(published.type).toBe(referenceEvent.type);
    expect(published.actor).toEqual(referenceEvent.actor);
    expect(published.payload).toEqual(referenceEvent.payload);
    expect(published.orgId).toBe('org_acme_123');
    expect(published.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });

  it('get returns the same event', async () => {
    expect(await client.get(published.id)).toEqual(published);
  });

  it('get matches what REST returns', async () => {
    const response = await fetch(`${server.url}/events/${published.id}`);
    const body = (await response.json()) as { data: Event };
    expect(body.data).toEqual(await client.get(published.id));
  });

  it('list filters by type', async () => {
    const page = await client.list({ type: referenceEvent.type });
    expect(page.events.map((event) => event.id)).toContain(published.id);
    expect(page.events.every((event) => event.type === referenceEvent.type)).toBe(true);
    expect(page.nextCursor).toBeNull();
  });

  it('list pages with cursors', async () => {
    const type = 'client.list.paging';
    for (let index = 0; index < 3; index++) await client.publish({ ...referenceEvent, type, payload: { index } });
    const first = await client.list({ type, limit: 2 });
    const second = await client.list({ type, limit: 2, cursor: first.nextCursor! });
    expect(first.events.map((event) => event.payload['index'])).toEqual([0, 1]);
    expect(second.events.map((event) => event.payload['index'])).toEqual([2]);
    expect(second.nextCursor).toBeNull();
  });
});

describe('listAll', () => {
  const type = 'client.list.all';
  let published: Event[];

  beforeAll(async () => {
    const events = await Promise.all(Array.from({ length: 120 }, (_, index) => client.publish({ ...referenceEvent, type, payload: { index } })));
    // Ids increase in append order, so sorting by id gives ledger order.
    published = events.sort((a, b) => (a.id < b.id ? -1 : 1));
  });

  it('yields all 120 events in order over pages of 50', async () => {
    const seen: Event[] = [];
    for await (const event of client.listAll({ type, limit: 50 })) seen.push(event);
    expect(seen).toHaveLength(120);
    expect(seen.map((event) => event.id)).toEqual(published.map((event) => event.id));
  });

  it('fetches three pages for limit 50', async () => {
    let requests = 0;
    const counting = createEventsClient({
      url: server.url,
      fetch: (input, init) => {
        requests += 1;
        return fetch(input, init);
      },
    });
    let count = 0;
    for await (const _event of counting.listAll({ type, limit: 50 })) count += 1;
    expect(count).toBe(120);
    expect(requests).toBe(3);
  });

  it('yields newest first with order desc', async () => {
    const seen: string[] = [];
    for await (const event of client.listAll({ type, limit: 50, order: 'desc' })) seen.push(event.id);
    expect(seen).toEqual(published.map((event) => event.id).reverse());
  });

  it('yields nothing for an unused type', async () => {
    const seen: Event[] = [];
    for await (const event of client.listAll({ type: 'client.never.published' })) seen.push(event);
    expect(seen).toEqual([]);
  });
});

describe('EventsClientError', () => {
  it('surfaces NOT_FOUND with status 404', async () => {
    const error = await clientError(() => client.get('evt_00000000000000000000000000'));
    expect(error.code).toBe('NOT_FOUND');
    expect(error.status).toBe(404);
    expect(error.requestId).toBeTruthy();
  });

  it('surfaces VALIDATION_FAILED with details', async () => {
    const error = await clientError(() => client.publish({ ...referenceEvent, type: 'not a type' }));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.status).toBe(400);
    expect(error.details?.map((detail) => detail.field)).toEqual(['type']);
    expect(error.message).toContain('type must be');
  });

  it('surfaces INVALID_CURSOR', async () => {
    const error = await clientError(() => client.list({ cursor: 'cx_forged' }));
    expect(error.code).toBe('INVALID_CURSOR');
    expect(error.details?.map((detail) => detail.field)).toEqual(['cursor']);
  });

  it('surfaces a payload that is not JSON', async () => {
    const error = await clientError(() => client.publish({ ...referenceEvent, payload: { at: new Date() } }));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.message).toContain('payload.at');
  });

  it('reports an unreachable server as NETWORK_ERROR', async () => {
    const unreachable = createEventsClient({ url: `http://127.0.0.1:${await closedPort()}` });
    const error = await clientError(() => unreachable.get('evt_00000000000000000000000000'));
    expect(error.code).toBe('NETWORK_ERROR');
    expect(error.status).toBeUndefined();
  });
});
