import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  detailFields,
  eventIdPattern,
  eventInput,
  expectError,
  postJson,
  publishConcurrently,
  publishInOrder,
  referenceRequestBody,
  timestampPattern,
  type ApiEvent,
} from '../support/api-helpers';
import { startTestServer, type TestServer } from '../support/start-test-server';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server.stop();
});

interface Page {
  events: ApiEvent[];
  nextCursor: string | null;
}

async function listPage(query: Record<string, string | number>): Promise<Page> {
  const response = await request(server.url).get('/events').query(query);
  expect(response.status, response.text).toBe(200);
  expect(response.body.success).toBe(true);
  return response.body.data as Page;
}

/** Follows cursors from the first page and returns every page. */
async function listAllPages(query: Record<string, string | number>): Promise<Page[]> {
  const pages = [await listPage(query)];
  for (let cursor = pages[0]!.nextCursor; cursor !== null; cursor = pages[pages.length - 1]!.nextCursor) {
    pages.push(await listPage({ ...query, cursor }));
  }
  return pages;
}

function ids(events: ApiEvent[]): string[] {
  return events.map((event) => event.id);
}

function numbered(type: string, orgId: string, count: number, actorOf: (index: number) => string = () => 'usr_test') {
  return Array.from({ length: count }, (_, index) => eventInput(type, orgId, { index }, actorOf(index)));
}

describe('POST /events with the reference example', () => {
  let response: request.Response;
  let requestedAt: number;

  beforeAll(async () => {
    requestedAt = Date.now();
    response = await postJson(server.url, '/events', referenceRequestBody);
  });

  it('answers 201 with success true', () => {
    expect(response.status, response.text).toBe(201);
    expect(response.body.success).toBe(true);
  });

  it('returns the reference fields in order', () => {
    expect(Object.keys(response.body)).toEqual(['success', 'data']);
    expect(Object.keys(response.body.data)).toEqual(['id', 'type', 'actor', 'payload', 'orgId', 'timestamp']);
  });

  it('returns each field as sent', () => {
    const sent = JSON.parse(referenceRequestBody) as ApiEvent;
    const data = response.body.data as ApiEvent;
    expect(data.type).toBe(sent.type);
    expect(data.actor).toEqual(sent.actor);
    expect(data.actor.name).toBe('Jane Doe');
    expect(data.payload).toEqual(sent.payload);
    expect(data.orgId).toBe('org_acme_123');
  });

  it('assigns an evt_ id of 26 characters', () => {
    expect(response.body.data.id).toMatch(eventIdPattern);
  });

  it('assigns a current UTC timestamp with milliseconds', () => {
    const timestamp = response.body.data.timestamp as string;
    expect(timestamp).toMatch(timestampPattern);
    expect(Date.parse(timestamp)).toBeGreaterThanOrEqual(requestedAt - 1000);
    expect(Date.parse(timestamp)).toBeLessThanOrEqual(Date.now() + 1000);
  });

  it('sets Location to the event URL', () => {
    expect(response.headers['location']).toBe(`/events/${response.body.data.id as string}`);
  });

  it('GET by id returns identical data', async () => {
    const got = await request(server.url).get(`/events/${response.body.data.id as string}`);
    expect(got.status).toBe(200);
    expect(got.body.success).toBe(true);
    expect(JSON.stringify(got.body.data)).toBe(JSON.stringify(response.body.data));
  });

  it('HEAD by id answers 200 without body', async () => {
    const head = await fetch(`${server.url}/events/${response.body.data.id as string}`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toContain('application/json');
    expect(await head.text()).toBe('');
  });

  it('HEAD of an unknown id answers 404', async () => {
    const head = await fetch(`${server.url}/events/evt_unknown`, { method: 'HEAD' });
    expect(head.status).toBe(404);
    expect(await head.text()).toBe('');
  });
});

describe('GET /events paging', () => {
  const type = 'paging.hundred.twenty';
  let published: ApiEvent[];

  beforeAll(async () => {
    published = await publishConcurrently(server.url, numbered(type, 'org_paging', 120));
  });

  it('pages 120 events as 50, 50, 20', async () => {
    const pages = await listAllPages({ type, limit: 50 });
    expect(pages.map((page) => page.events.length)).toEqual([50, 50, 20]);
    expect(pages[0]!.nextCursor).toMatch(/^cx_/);
    expect(pages[1]!.nextCursor).toMatch(/^cx_/);
    expect(pages[2]!.nextCursor).toBeNull();
    expect(pages.flatMap((page) => ids(page.events))).toEqual(ids(published));
  });

  it('defaults to 50 events per page', async () => {
    const page = await listPage({ type });
    expect(page.events).toHaveLength(50);
    expect(page.nextCursor).not.toBeNull();
  });

  it('returns full events in ledger order', async () => {
    const page = await listPage({ type, limit: 3 });
    expect(page.events).toEqual(published.slice(0, 3));
  });

  it('lists newest first with order=desc', async () => {
    const pages = await listAllPages({ type, limit: 50, order: 'desc' });
    expect(pages.map((page) => page.events.length)).toEqual([50, 50, 20]);
    expect(pages.flatMap((page) => ids(page.events))).toEqual(ids(published).reverse());
  });

  it('resumes after a given event id', async () => {
    const page = await listPage({ type, after: published[99]!.id });
    expect(ids(page.events)).toEqual(ids(published.slice(100)));
    expect(page.nextCursor).toBeNull();
  });

  it('rejects after with an unknown id', async () => {
    const response = await request(server.url).get('/events').query({ after: 'evt_unknown' });
    const body = expectError(response, 400, 'VALIDATION_FAILED');
    expect(detailFields(body)).toEqual(['after']);
  });
});

describe('GET /events paging while events are appended', () => {
  it('neither skips nor repeats an event', async () => {
    const type = 'paging.concurrent.append';
    const first = await publishInOrder(server.url, numbered(type, 'org_paging', 60));
    const seen: ApiEvent[] = [];

    const page1 = await listPage({ type, limit: 50 });
    seen.push(...page1.events);
    const appended = await publishInOrder(server.url, numbered(type, 'org_paging', 30));
    const page2 = await listPage({ type, limit: 50, cursor: page1.nextCursor! });
    seen.push(...page2.events);

    expect(page2.events).toHaveLength(40);
    expect(page2.nextCursor).toBeNull();
    expect(ids(seen)).toEqual(ids([...first, ...appended]));
  });

  it('resumes with after once the end was reached', async () => {
    const type = 'paging.resume.after';
    const first = await publishInOrder(server.url, numbered(type, 'org_paging', 3));
    const end = await listPage({ type });
    expect(end.nextCursor).toBeNull();

    const later = await publishInOrder(server.url, numbered(type, 'org_paging', 2));
    const resumed = await listPage({ type, after: end.events[end.events.length - 1]!.id });
    expect(ids(end.events)).toEqual(ids(first));
    expect(ids(resumed.events)).toEqual(ids(later));
  });
});

describe('GET /events filters', () => {
  const typeA = 'filter.kind.alpha';
  const typeB = 'filter.kind.beta';
  let published: ApiEvent[];

  beforeAll(async () => {
    const inputs = Array.from({ length: 12 }, (_, index) =>
      eventInput(index % 3 === 0 ? typeB : typeA, 'org_filters', { index }, index % 2 === 0 ? 'usr_even' : 'usr_odd'),
    );
    published = await publishInOrder(server.url, inputs);
  });

  it('type returns exact matches only', async () => {
    const page = await listPage({ type: typeA });
    expect(ids(page.events)).toEqual(ids(published.filter((event) => event.type === typeA)));
  });

  it('type matches no prefix', async () => {
    const page = await listPage({ type: 'filter.kind' });
    expect(page.events).toEqual([]);
    expect(page.nextCursor).toBeNull();
  });

  it('actorId returns that actor only', async () => {
    const page = await listPage({ orgId: 'org_filters', actorId: 'usr_odd' });
    expect(ids(page.events)).toEqual(ids(published.filter((event) => event.actor.id === 'usr_odd')));
  });

  it('orgId returns that organisation only', async () => {
    const page = await listPage({ orgId: 'org_filters', limit: 500 });
    expect(ids(page.events)).toEqual(ids(published));
  });

  it('since includes events at that time', async () => {
    const since = published[5]!.timestamp;
    const page = await listPage({ orgId: 'org_filters', since });
    expect(ids(page.events)).toEqual(ids(published.filter((event) => event.timestamp >= since)));
  });

  it('until excludes events at that time', async () => {
    const until = published[8]!.timestamp;
    const page = await listPage({ orgId: 'org_filters', until });
    expect(ids(page.events)).toEqual(ids(published.filter((event) => event.timestamp < until)));
  });

  it('since after the newest event returns nothing', async () => {
    const page = await listPage({ orgId: 'org_filters', since: new Date(Date.now() + 60_000).toISOString() });
    expect(page.events).toEqual([]);
  });

  it('combines type, actorId and paging', async () => {
    const pages = await listAllPages({ type: typeA, actorId: 'usr_even', limit: 2 });
    const expected = published.filter((event) => event.type === typeA && event.actor.id === 'usr_even');
    expect(pages.flatMap((page) => ids(page.events))).toEqual(ids(expected));
  });
});

describe('GET /events cursors', () => {
  const type = 'cursor.binding.check';
  let cursor: string;

  beforeAll(async () => {
    await publishInOrder(server.url, numbered(type, 'org_cursors', 5, (index) => (index < 3 ? 'usr_a' : 'usr_b')));
    await publishInOrder(server.url, numbered('cursor.binding.other', 'org_cursors', 3));
    const page = await listPage({ type, limit: 2 });
    cursor = page.nextCursor!;
  });

  async function expectInvalidCursor(query: Record<string, string | number>, code = 'INVALID_CURSOR'): Promise<void> {
    const response = await request(server.url).get('/events').query(query);
    const body = expectError(response, 400, code);
    expect(detailFields(body)).toEqual(['cursor']);
  }

  it('continues with the same filters', async () => {
    const page = await listPage({ type, limit: 2, cursor });
    expect(page.events).toHaveLength(2);
  });

  it('rejects reuse with another type', async () => {
    await expectInvalidCursor({ type: 'cursor.binding.other', limit: 2, cursor });
  });

  it('rejects reuse without the type', async () => {
    await expectInvalidCursor({ limit: 2, cursor });
  });

  it('rejects reuse with another actorId', async () => {
    await expectInvalidCursor({ type, actorId: 'usr_a', limit: 2, cursor });
  });

  it('rejects reuse with another order', async () => {
    await expectInvalidCursor({ type, order: 'desc', limit: 2, cursor });
  });

  it('rejects a garbled cursor', async () => {
    await expectInvalidCursor({ type, cursor: 'cx_!!not*base64!!' });
  });

  it('rejects a cursor without the cx_ prefix', async () => {
    await expectInvalidCursor({ type, cursor: cursor.slice(3) });
  });

  it('rejects a truncated cursor', async () => {
    await expectInvalidCursor({ type, cursor: cursor.slice(0, -4) });
  });

  it('rejects a cursor with a forged MAC', async () => {
    const bytes = Buffer.from(cursor.slice(3), 'base64url');
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0x01;
    await expectInvalidCursor({ type, cursor: `cx_${bytes.toString('base64url')}` });
  });

  it('rejects a cursor with an edited sequence', async () => {
    const bytes = Buffer.from(cursor.slice(3), 'base64url');
    bytes[9] = bytes[9]! ^ 0x01;
    await expectInvalidCursor({ type, cursor: `cx_${bytes.toString('base64url')}` });
  });

  it('rejects an over-long cursor', async () => {
    await expectInvalidCursor({ type, cursor: `cx_${'A'.repeat(400)}` }, 'VALIDATION_FAILED');
  });
});
