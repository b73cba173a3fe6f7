import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventInput, postJson, type ApiEvent } from '../support/api-helpers';
import { startTestServer, type TestServer } from '../support/start-test-server';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server.stop();
});

function metricValue(text: string, name: string): number {
  const line = text.split('\n').find((row) => row.startsWith(`${name} `));
  return line === undefined ? Number.NaN : Number(line.split(' ')[1]);
}

describe('group commit', () => {
  it('commits concurrent publishes in fewer transactions than requests', async () => {
    const before = await request(server.url).get('/metrics');
    const groupsBefore = metricValue(before.text, 'ledger_append_group_units_count');

    const responses = await Promise.all(
      Array.from({ length: 100 }, (_, index) => postJson(server.url, '/events', JSON.stringify(eventInput('group.commit', 'org_group', { index })))),
    );
    expect(responses.map((response) => response.status)).toEqual(responses.map(() => 201));

    const after = await request(server.url).get('/metrics');
    const groups = metricValue(after.text, 'ledger_append_group_units_count') - groupsBefore;
    expect(groups).toBeGreaterThan(0);
    expect(groups).toBeLessThan(100);
    expect(metricValue(after.text, 'ledger_events_appended_total')).toBeGreaterThanOrEqual(100);
  });

  it('fails only the conflicting request of a group', async () => {
    const first = await postJson(server.url, '/events', JSON.stringify(eventInput('group.conflict', 'org_group_conflict', { n: 0 })), { 'idempotency-key': 'taken' });
    expect(first.status).toBe(201);

    const requests = Array.from({ length: 30 }, (_, index) => {
      const body = JSON.stringify(eventInput('group.conflict', 'org_group_conflict', { n: index + 1 }));
      return index === 15 ? postJson(server.url, '/events', body, { 'idempotency-key': 'taken' }) : postJson(server.url, '/events', body);
    });
    const responses = await Promise.all(requests);
    expect(responses[15]!.status).toBe(422);
    const others = responses.filter((_, index) => index !== 15);
    expect(others.map((response) => response.status)).toEqual(others.map(() => 201));

    const listed = await request(server.url).get('/events?orgId=org_group_conflict&limit=100');
    const events = (listed.body as { data: { events: ApiEvent[] } }).data.events;
    expect(events).toHaveLength(30);
    expect(new Set(events.map((event) => event.payload.n)).has(16)).toBe(false);
  });

  it('acknowledges events in ledger order with strictly increasing ids', async () => {
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, index) => postJson(server.url, '/events', JSON.stringify(eventInput('group.order', 'org_group_order', { index })))),
    );
    const ids = responses.map((response) => (response.body as { data: ApiEvent }).data.id);
    const listed = await request(server.url).get('/events?orgId=org_group_order&limit=100');
    const ledgerIds = (listed.body as { data: { events: ApiEvent[] } }).data.events.map((event) => event.id);
    expect([...ids].sort()).toEqual(ledgerIds);
    expect([...ledgerIds].sort()).toEqual(ledgerIds);
  });
});

describe('GET /metrics', () => {
  it('serves request counts by route pattern in the Prometheus format', async () => {
    await request(server.url).get('/events/evt_00000000000000000000000000');
    const response = await request(server.url).get('/metrics');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toContain('text/plain');
    expect(response.text).toMatch(/http_requests_total\{method="GET",route="\/events\/:id",status="404"\} \d+/);
    expect(response.text).toContain('http_request_duration_seconds_bucket');
    expect(response.text).toContain('ledger_append_group_duration_seconds_bucket');
  });
});
