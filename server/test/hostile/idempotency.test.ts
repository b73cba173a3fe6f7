import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/start-test-server';
import { expectFailure, restPublish, send, successData, trpcPublish } from '../auth/support/api-calls';
import { openSqlite } from '../../src/storage/sqlite/open-sqlite';
import { countRows, expectChainVerifies, expectServerAlive } from './support/ledger-state';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver';

interface Event {
  id: string;
  orgId: string;
  payload: Record<string, unknown>;
}

let server: TestServer;
let receiver: WebhookReceiver;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  server = await startTestServer();
  // With AUTH=off, webhooks may target loopback. The receiver returns 200 to every delivery.
  const workflow = JSON.stringify({ name: 'concurrent', on: 'retry.concurrent', orgId: 'org_concurrent', webhook: { url: receiver.url } });
  const created = await send(server.url, '/workflows', { method: 'POST', headers: { 'content-type': 'application/json' }, body: workflow });
  expect(created.status, created.text).toBe(201);
});

afterAll(async () => {
  await server.stop();
  await receiver.close();
});

const actor = { type: 'user', id: 'usr_retry' };

describe('REST retries with Idempotency-Key', () => {
  it('replay a body in another key order', async () => {
    const first = await restPublish(server.url, JSON.stringify({ type: 'retry.rest', actor, payload: { a: 1, b: [1, 2] }, orgId: 'org_retry' }), undefined, {
      'idempotency-key': 'rest-order-1',
    });
    const before = countRows(server.databasePath);
    const retry = await restPublish(server.url, JSON.stringify({ orgId: 'org_retry', payload: { b: [1, 2], a: 1 }, actor: { id: 'usr_retry', type: 'user' }, type: 'retry.rest' }), undefined, {
      'idempotency-key': 'rest-order-1',
    });

    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.text).toBe(first.text.replace(/"requestId":"[^"]*"/, ''));
    expect(retry.headers.get('location')).toBe(first.headers.get('location'));
    expect(countRows(server.databasePath)).toEqual(before);
  });

  it('reject the same key with another body', async () => {
    await restPublish(server.url, JSON.stringify({ type: 'retry.conflict', actor, payload: { n: 1 }, orgId: 'org_retry' }), undefined, { 'idempotency-key': 'rest-conflict-1' });
    const before = countRows(server.databasePath);
    const response = await restPublish(server.url, JSON.stringify({ type: 'retry.conflict', actor, payload: { n: 2 }, orgId: 'org_retry' }), undefined, {
      'idempotency-key': 'rest-conflict-1',
    });
    const failure = expectFailure(response, 422, 'IDEMPOTENCY_CONFLICT');
    expect(failure.message).toContain('rest-conflict-1');
    expect(failure.message).toContain('already used');
    expect(countRows(server.databasePath)).toEqual(before);
  });

  it('accept a 255-character key', async () => {
    const response = await restPublish(server.url, JSON.stringify({ type: 'retry.long', actor, payload: {}, orgId: 'org_retry' }), undefined, { 'idempotency-key': 'k'.repeat(255) });
    expect(response.status, response.text).toBe(201);
  });

  it('reject a 256-character key', async () => {
    const before = countRows(server.databasePath);
    const response = await restPublish(server.url, JSON.stringify({ type: 'retry.long', actor, payload: {}, orgId: 'org_retry' }), undefined, { 'idempotency-key': 'k'.repeat(256) });
    const failure = expectFailure(response, 400, 'VALIDATION_FAILED');
    expect(failure.message).toContain('255');
    expect(countRows(server.databasePath)).toEqual(before);
  });

  it('reject an empty key', async () => {
    const response = await restPublish(server.url, JSON.stringify({ type: 'retry.empty', actor, payload: {}, orgId: 'org_retry' }), undefined, { 'idempotency-key': '' });
    expectFailure(response, 400, 'VALIDATION_FAILED');
  });

  it('reject different keys in header and body', async () => {
    const before = countRows(server.databasePath);
    const body = JSON.stringify({ type: 'retry.two_keys', actor, payload: {}, orgId: 'org_retry', idempotencyKey: 'body-key' });
    const response = await restPublish(server.url, body, undefined, { 'idempotency-key': 'header-key' });
    const failure = expectFailure(response, 400, 'VALIDATION_FAILED');
    expect(failure.message).toContain('header-key');
    expect(failure.message).toContain('body-key');
    expect(countRows(server.databasePath)).toEqual(before);
  });

  it('accept the same key in header and body', async () => {
    const body = JSON.stringify({ type: 'retry.two_keys', actor, payload: {}, orgId: 'org_retry', idempotencyKey: 'same-key' });
    const response = await restPublish(server.url, body, undefined, { 'idempotency-key': 'same-key' });
    expect(response.status, response.text).toBe(201);
  });

  it('keep keys apart per organisation', async () => {
    const acme = await restPublish(server.url, JSON.stringify({ type: 'retry.org', actor, payload: {}, orgId: 'org_retry_a' }), undefined, { 'idempotency-key': 'per-org' });
    const beta = await restPublish(server.url, JSON.stringify({ type: 'retry.org', actor, payload: {}, orgId: 'org_retry_b' }), undefined, { 'idempotency-key': 'per-org' });
    expect(beta.status).toBe(201);
    expect(beta.headers.get('idempotent-replayed')).toBeNull();
    expect(successData<Event>(beta).id).not.toBe(successData<Event>(acme).id);
  });

  it('store the key with the event', async () => {
    const response = await restPublish(server.url, JSON.stringify({ type: 'retry.stored', actor, payload: {}, orgId: 'org_retry' }), undefined, { 'idempotency-key': 'stored-key' });
    const event = successData<Event>(response);
    const connection = openSqlite(server.databasePath, { role: 'reader' });
    const stored = connection
      .prepare('select e.id from idempotency_keys k join ledger_events e on e.seq = k.event_seq where k.org_id = ? and k.key = ?')
      .pluck()
      .get('org_retry', 'stored-key');
    connection.close();
    expect(stored).toBe(event.id);
  });
});

describe('tRPC retries with idempotencyKey', () => {
  it('return the original event with replayed: true', async () => {
    const input = { type: 'retry.trpc', actor, payload: { x: 'y' }, orgId: 'org_retry', idempotencyKey: 'trpc-1' };
    const first = await trpcPublish(server.url, JSON.stringify(input));
    const retry = await trpcPublish(server.url, JSON.stringify({ ...input, payload: { x: 'y' } }));
    const original = successData<Event & { replayed?: boolean }>(first);
    const replayed = successData<Event & { replayed?: boolean }>(retry);
    expect(original.replayed).toBeUndefined();
    expect(replayed.replayed).toBe(true);
    expect(replayed.id).toBe(original.id);
  });

  it('reject the same key with another body', async () => {
    const input = { type: 'retry.trpc_conflict', actor, payload: { n: 1 }, orgId: 'org_retry', idempotencyKey: 'trpc-conflict' };
    await trpcPublish(server.url, JSON.stringify(input));
    const response = await trpcPublish(server.url, JSON.stringify({ ...input, payload: { n: 2 } }));
    expectFailure(response, 422, 'IDEMPOTENCY_CONFLICT');
  });

  it('reject a 256-character key', async () => {
    const response = await trpcPublish(server.url, JSON.stringify({ type: 'retry.trpc_long', actor, payload: {}, orgId: 'org_retry', idempotencyKey: 'k'.repeat(256) }));
    expectFailure(response, 400, 'VALIDATION_FAILED');
  });

  it('replay a publish first sent over REST', async () => {
    const body = { type: 'retry.cross', actor, payload: { via: 'rest' }, orgId: 'org_retry' };
    const rest = await restPublish(server.url, JSON.stringify(body), undefined, { 'idempotency-key': 'cross-transport' });
    const trpc = await trpcPublish(server.url, JSON.stringify({ ...body, idempotencyKey: 'cross-transport' }));
    expect(successData<Event>(trpc).id).toBe(successData<Event>(rest).id);
    expect(successData<{ replayed?: boolean }>(trpc).replayed).toBe(true);
  });
});

describe('concurrent identical publishes', () => {
  it('store exactly one event', async () => {
    const before = countRows(server.databasePath);
    const body = JSON.stringify({ type: 'retry.concurrent', actor, payload: { burst: true }, orgId: 'org_concurrent' });
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, index) =>
        index % 2 === 0
          ? restPublish(server.url, body, undefined, { 'idempotency-key': 'concurrent-1' })
          : trpcPublish(server.url, body.replace(/}$/, ',"idempotencyKey":"concurrent-1"}')),
      ),
    );

    expect(responses.map((response) => response.status).filter((status) => status >= 500)).toEqual([]);
    const statuses = new Set(responses.map((response) => response.status));
    expect([...statuses].every((status) => status === 201 || status === 200)).toBe(true);
    const ids = new Set(responses.map((response) => successData<Event>(response).id));
    expect(ids.size).toBe(1);
    const originals = responses.filter((response) => response.headers.get('idempotent-replayed') === null && successData<{ replayed?: boolean }>(response).replayed !== true);
    expect(originals.length).toBe(1);
    const after = countRows(server.databasePath);
    expect(after.ledger_events).toBe(before.ledger_events! + 1);
    expect(after.idempotency_keys).toBe(before.idempotency_keys! + 1);
    expect(after.workflow_runs).toBe(before.workflow_runs! + 1);
    await expectChainVerifies(server);
    await expectServerAlive(server.url);
  });
});
