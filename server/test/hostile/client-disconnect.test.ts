import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalize } from '../../src/ledger/canonical-json';
import { openSqlite } from '../../src/storage/sqlite/open-sqlite';
import { startTestServer, type TestServer } from '../support/start-test-server';
import { restPublish, send, successData } from '../auth/support/api-calls';
import { countRows, expectChainVerifies, expectServerAlive } from './support/ledger-state';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver';

let server: TestServer;
let receiver: WebhookReceiver;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  server = await startTestServer();
  // Every event of these tests triggers this workflow, so each stored event must have one run.
  const workflow = JSON.stringify({ name: 'disconnect', on: 'disconnect.test', orgId: 'org_disconnect', webhook: { url: receiver.url } });
  const created = await send(server.url, '/workflows', { method: 'POST', headers: { 'content-type': 'application/json' }, body: workflow });
  expect(created.status, created.text).toBe(201);
});

afterAll(async () => {
  await server.stop();
  await receiver.close();
});

function eventBody(index: number): string {
  return JSON.stringify({ type: 'disconnect.test', actor: { type: 'user', id: 'usr_gone' }, payload: { index }, orgId: 'org_disconnect' });
}

/** Writes a whole publish request on a raw socket, then closes it without reading the response. */
function publishAndHangUp(port: number, body: string, idempotencyKey: string, options: { bodyBytesSent?: number; delayMs?: number } = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      const bytes = Buffer.from(body);
      const head =
        `POST /events HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\n` +
        `Idempotency-Key: ${idempotencyKey}\r\nContent-Length: ${bytes.length}\r\n\r\n`;
      socket.write(head);
      socket.write(bytes.subarray(0, options.bodyBytesSent ?? bytes.length), () => {
        setTimeout(() => {
          socket.destroy();
          resolve();
        }, options.delayMs ?? 0);
      });
    });
    socket.once('error', reject);
  });
}

/** Returns the event an idempotency key points at, with its run count, read on a connection of the test's own. */
function storedEventForKey(key: string): { payload: string; runs: number } | undefined {
  const connection = openSqlite(server.databasePath, { role: 'reader' });
  try {
    return connection
      .prepare(
        'select e.payload, (select count(*) from workflow_runs r where r.event_id = e.id) as runs ' +
          'from idempotency_keys k join ledger_events e on e.seq = k.event_seq where k.org_id = ? and k.key = ?',
      )
      .get('org_disconnect', key) as { payload: string; runs: number } | undefined;
  } finally {
    connection.close();
  }
}

function eventsWithPayload(payload: string): number {
  const connection = openSqlite(server.databasePath, { role: 'reader' });
  try {
    return connection.prepare("select count(*) from ledger_events where org_id = 'org_disconnect' and payload = ?").pluck().get(payload) as number;
  } finally {
    connection.close();
  }
}

/** Waits until the row counts stop changing, so every request the server took in has finished. */
async function waitForQuiet(): Promise<void> {
  let previous = JSON.stringify(countRows(server.databasePath));
  for (let attempt = 0; attempt < 50; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const current = JSON.stringify(countRows(server.databasePath));
    if (current === previous) return;
    previous = current;
  }
}

describe('client that hangs up after sending its body', () => {
  it('leaves each event fully written or absent', async () => {
    const port = Number(new URL(server.url).port);
    const attempts = Array.from({ length: 40 }, (_, index) => ({ index, key: `hangup-${index}`, delayMs: index % 4 }));
    await Promise.all(attempts.map((attempt) => publishAndHangUp(port, eventBody(attempt.index), attempt.key, { delayMs: attempt.delayMs })));
    await waitForQuiet();

    for (const attempt of attempts) {
      const payload = canonicalize({ index: attempt.index });
      const stored = storedEventForKey(attempt.key);
      const copies = eventsWithPayload(payload);
      if (stored === undefined) expect(copies, attempt.key).toBe(0);
      else {
        expect(stored.payload).toBe(payload);
        expect(stored.runs, attempt.key).toBe(1);
        expect(copies, attempt.key).toBe(1);
      }
    }
    await expectChainVerifies(server);
    await expectServerAlive(server.url);
  });

  it('yields one event per key after retries', async () => {
    const port = Number(new URL(server.url).port);
    const attempts = Array.from({ length: 20 }, (_, index) => ({ index: 100 + index, key: `hangup-retry-${index}` }));
    await Promise.all(attempts.map((attempt) => publishAndHangUp(port, eventBody(attempt.index), attempt.key)));
    await waitForQuiet();

    for (const attempt of attempts) {
      const before = storedEventForKey(attempt.key);
      const retry = await restPublish(server.url, eventBody(attempt.index), undefined, { 'idempotency-key': attempt.key });
      expect(retry.status).toBe(201);
      expect(retry.headers.get('idempotent-replayed')).toBe(before === undefined ? null : 'true');
      expect(successData<{ payload: unknown }>(retry).payload).toEqual({ index: attempt.index });
      expect(eventsWithPayload(canonicalize({ index: attempt.index }))).toBe(1);
    }
    await expectChainVerifies(server);
  });
});

describe('client that hangs up in the middle of its body', () => {
  it('writes nothing', async () => {
    const port = Number(new URL(server.url).port);
    const before = countRows(server.databasePath);
    const body = eventBody(999);
    await Promise.all(
      Array.from({ length: 10 }, (_, index) => publishAndHangUp(port, body, `half-${index}`, { bodyBytesSent: Math.floor(body.length / 2), delayMs: 20 })),
    );
    await waitForQuiet();

    expect(countRows(server.databasePath)).toEqual(before);
    await expectChainVerifies(server);
    await expectServerAlive(server.url);
  });
});
