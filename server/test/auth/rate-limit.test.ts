import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenBucketLimiter } from '../../src/http/rate-limiter';
import { startTestServer, type TestServer } from '../support/start-test-server';
import { expectFailure, headers, send, trpcQuery } from './support/api-calls';
import { createKey } from './support/create-key';

describe('TokenBucketLimiter', () => {
  function limiter(settings: { perSecond: number; burst: number; maxBuckets?: number }) {
    let now = 1_000_000;
    const bucket = new TokenBucketLimiter(settings, () => now);
    return { bucket, advance: (ms: number) => (now += ms) };
  }

  it('allows a burst then rejects', () => {
    const { bucket } = limiter({ perSecond: 1, burst: 3 });
    const decisions = [1, 2, 3, 4].map(() => bucket.take('a').allowed);
    expect(decisions).toEqual([true, true, true, false]);
  });

  it('tells how long to wait', () => {
    const { bucket } = limiter({ perSecond: 0.5, burst: 1 });
    bucket.take('a');
    expect(bucket.take('a')).toEqual({ allowed: false, retryAfterSeconds: 2 });
  });

  it('refills at the configured rate', () => {
    const { bucket, advance } = limiter({ perSecond: 10, burst: 1 });
    bucket.take('a');
    advance(99);
    expect(bucket.take('a').allowed).toBe(false);
    advance(2);
    expect(bucket.take('a').allowed).toBe(true);
  });

  it('keeps clients apart', () => {
    const { bucket } = limiter({ perSecond: 1, burst: 1 });
    expect(bucket.take('a').allowed).toBe(true);
    expect(bucket.take('b').allowed).toBe(true);
    expect(bucket.take('a').allowed).toBe(false);
  });

  it('charges a cost above the burst as the burst', () => {
    const { bucket } = limiter({ perSecond: 1, burst: 2 });
    expect(bucket.take('a', 50).allowed).toBe(true);
    expect(bucket.take('a').allowed).toBe(false);
  });

  it('drops buckets that have refilled', () => {
    const { bucket, advance } = limiter({ perSecond: 100, burst: 10 });
    for (let index = 0; index < 1000; index++) bucket.take(`client-${index}`);
    expect(bucket.size).toBe(1000);
    advance(1000);
    bucket.take('late');
    expect(bucket.size).toBe(1);
  });

  it('never holds more than maxBuckets', () => {
    const { bucket } = limiter({ perSecond: 1, burst: 1, maxBuckets: 100 });
    for (let index = 0; index < 10_000; index++) bucket.take(`client-${index}`);
    expect(bucket.size).toBe(100);
  });

  it('evicts the least recently used bucket first', () => {
    const { bucket } = limiter({ perSecond: 1, burst: 1, maxBuckets: 2 });
    bucket.take('a');
    bucket.take('b');
    bucket.take('a');
    bucket.take('c');
    // a was used after b, so b was dropped: a keeps its empty bucket and b starts full.
    expect(bucket.take('a').allowed).toBe(false);
    expect(bucket.take('b').allowed).toBe(true);
  });

  it('rejects a zero rate', () => {
    expect(() => new TokenBucketLimiter({ perSecond: 0, burst: 1 })).toThrow(RangeError);
  });
});

describe('rate limits over HTTP with keys', () => {
  let server: TestServer;
  let firstKey: string;
  let secondKey: string;

  beforeAll(async () => {
    server = await startTestServer({ auth: 'required', rateLimit: { perSecond: 0.1, burst: 3 } });
    firstKey = (await createKey(server, 'org_limited')).key;
    secondKey = (await createKey(server, 'org_limited')).key;
  });

  afterAll(async () => {
    await server.stop();
  });

  it('answers 429 with Retry-After over REST', async () => {
    for (let index = 0; index < 3; index++) expect((await send(server.url, '/events', { headers: headers(firstKey) })).status).toBe(200);
    const response = await send(server.url, '/events', { headers: headers(firstKey) });
    const failure = expectFailure(response, 429, 'RATE_LIMITED');
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(failure.message).toContain('retry after');
  });

  it('answers 429 with Retry-After over tRPC', async () => {
    const response = await trpcQuery(server.url, 'events.list', '{}', firstKey);
    expectFailure(response, 429, 'RATE_LIMITED');
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });

  it('gives each key its own bucket', async () => {
    const response = await send(server.url, '/events', { headers: headers(secondKey) });
    expect(response.status).toBe(200);
  });

  it('does not limit health checks', async () => {
    const statuses = await Promise.all(Array.from({ length: 10 }, () => send(server.url, '/healthz')));
    expect(statuses.every((response) => response.status === 200)).toBe(true);
  });

  it('charges each procedure of a tRPC batch', async () => {
    const { key } = await createKey(server, 'org_limited');
    const input = encodeURIComponent(JSON.stringify({ 0: { json: {} }, 1: { json: {} }, 2: { json: {} } }));
    const batch = await send(server.url, `/trpc/events.list,events.list,events.list?batch=1&input=${input}`, { headers: headers(key) });
    expect(batch.status).toBe(200);
    const next = await send(server.url, '/events', { headers: headers(key) });
    expectFailure(next, 429, 'RATE_LIMITED');
  });
});

describe('rate limits over HTTP without auth', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ rateLimit: { perSecond: 0.1, burst: 2 } });
  });

  afterAll(async () => {
    await server.stop();
  });

  it('limits per client address', async () => {
    const statuses: number[] = [];
    for (let index = 0; index < 3; index++) statuses.push((await send(server.url, '/events')).status);
    expect(statuses).toEqual([200, 200, 429]);
  });
});
