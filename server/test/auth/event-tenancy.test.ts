import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/start-test-server';
import { expectFailure, headers, publishBody, restPublish, send, successData, trpcPublish, trpcQuery } from './support/api-calls';
import { createKey } from './support/create-key';

interface Event {
  id: string;
  orgId: string;
  type: string;
}

let server: TestServer;
let acmeKey: string;
let betaKey: string;
let acmeEvent: Event;
let betaEvent: Event;

beforeAll(async () => {
  server = await startTestServer({ auth: 'required' });
  acmeKey = (await createKey(server, 'org_acme')).key;
  betaKey = (await createKey(server, 'org_beta')).key;
  acmeEvent = successData<Event>(await restPublish(server.url, publishBody('tenancy.created'), acmeKey));
  betaEvent = successData<Event>(await restPublish(server.url, publishBody('tenancy.created'), betaKey));
  // A few more acme events, so pages of one event have a next cursor.
  for (let index = 0; index < 3; index++) await restPublish(server.url, publishBody('tenancy.created'), acmeKey);
});

afterAll(async () => {
  await server.stop();
});

describe('publishing with a key', () => {
  it("defaults orgId to the key's organisation", () => {
    expect(acmeEvent.orgId).toBe('org_acme');
    expect(betaEvent.orgId).toBe('org_beta');
  });

  it('accepts its own orgId explicitly', async () => {
    const response = await restPublish(server.url, publishBody('tenancy.explicit', 'org_acme'), acmeKey);
    expect(response.status, response.text).toBe(201);
  });

  it('rejects another orgId over REST', async () => {
    const failure = expectFailure(await restPublish(server.url, publishBody('tenancy.foreign', 'org_beta'), acmeKey), 403, 'FORBIDDEN');
    expect(failure.message).toContain('org_acme');
  });

  it('rejects another orgId over tRPC', async () => {
    expectFailure(await trpcPublish(server.url, publishBody('tenancy.foreign', 'org_beta'), acmeKey), 403, 'FORBIDDEN');
  });

  it('rejects a batch holding another orgId', async () => {
    const body = `{"events":[${publishBody('tenancy.batch')},${publishBody('tenancy.batch', 'org_beta')}]}`;
    const response = await send(server.url, '/events/batch', { method: 'POST', headers: headers(acmeKey, { 'content-type': 'application/json' }), body });
    expectFailure(response, 403, 'FORBIDDEN');
  });

  it("stores a batch under the key's organisation", async () => {
    const body = `{"events":[${publishBody('tenancy.batch')},${publishBody('tenancy.batch')}]}`;
    const response = await send(server.url, '/events/batch', { method: 'POST', headers: headers(betaKey, { 'content-type': 'application/json' }), body });
    expect(response.status, response.text).toBe(201);
    const events = successData<{ events: Event[] }>(response).events;
    expect(events.map((event) => event.orgId)).toEqual(['org_beta', 'org_beta']);
  });
});

describe('reading with a key', () => {
  it('lists only its own events over REST', async () => {
    const page = successData<{ events: Event[] }>(await send(server.url, '/events?limit=500', { headers: headers(acmeKey) }));
    expect(page.events.length).toBeGreaterThan(0);
    expect(page.events.every((event) => event.orgId === 'org_acme')).toBe(true);
  });

  it('lists only its own events over tRPC', async () => {
    const page = successData<{ events: Event[] }>(await trpcQuery(server.url, 'events.list', '{"limit":500}', betaKey));
    expect(page.events.map((event) => event.id)).toContain(betaEvent.id);
    expect(page.events.every((event) => event.orgId === 'org_beta')).toBe(true);
  });

  it('rejects a list filtered by another orgId', async () => {
    expectFailure(await send(server.url, '/events?orgId=org_beta', { headers: headers(acmeKey) }), 403, 'FORBIDDEN');
  });

  it("answers 404 for another organisation's event over REST", async () => {
    const foreign = await send(server.url, `/events/${betaEvent.id}`, { headers: headers(acmeKey) });
    const missing = await send(server.url, '/events/evt_00000000000000000000000000', { headers: headers(acmeKey) });
    expectFailure(foreign, 404, 'NOT_FOUND');
    expectFailure(missing, 404, 'NOT_FOUND');
  });

  it("answers 404 for another organisation's event over tRPC", async () => {
    const response = await trpcQuery(server.url, 'events.get', JSON.stringify({ id: betaEvent.id }), acmeKey);
    expectFailure(response, 404, 'NOT_FOUND');
  });

  it("rejects a foreign after like a missing one", async () => {
    const foreign = await send(server.url, `/events?after=${betaEvent.id}`, { headers: headers(acmeKey) });
    const missing = await send(server.url, '/events?after=evt_00000000000000000000000000', { headers: headers(acmeKey) });
    const foreignFailure = expectFailure(foreign, 400, 'VALIDATION_FAILED');
    const missingFailure = expectFailure(missing, 400, 'VALIDATION_FAILED');
    expect(foreignFailure.message.replace(betaEvent.id, 'ID')).toBe(missingFailure.message.replace('evt_00000000000000000000000000', 'ID'));
  });

  it("rejects another organisation's cursor", async () => {
    const page = successData<{ nextCursor: string | null }>(await send(server.url, '/events?limit=1', { headers: headers(acmeKey) }));
    expect(page.nextCursor).not.toBeNull();
    const response = await send(server.url, `/events?limit=1&cursor=${page.nextCursor}`, { headers: headers(betaKey) });
    expectFailure(response, 400, 'INVALID_CURSOR');
  });
});

describe('idempotency keys per organisation', () => {
  it('keeps the same key apart in two organisations', async () => {
    const body = publishBody('tenancy.idempotent');
    const acme = await restPublish(server.url, body, acmeKey, { 'idempotency-key': 'shared-key-1' });
    const beta = await restPublish(server.url, body, betaKey, { 'idempotency-key': 'shared-key-1' });
    expect(acme.status).toBe(201);
    expect(beta.status).toBe(201);
    expect(beta.headers.get('idempotent-replayed')).toBeNull();
    expect(successData<Event>(beta).id).not.toBe(successData<Event>(acme).id);
    expect(successData<Event>(beta).orgId).toBe('org_beta');
  });
});
