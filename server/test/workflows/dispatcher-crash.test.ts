import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatedWorkflow, RunPage } from '../../../contracts';
import { spawnServerChild } from '../support/spawn-server-child';
import { startWebhookReceiver, type Delivery, type WebhookReceiver } from './support/webhook-receiver';
import { waitUntil } from './support/wait-until';

const eventCount = 200;
const folder = mkdtempSync(join(tmpdir(), 'workflow-crash-'));
const databasePath = join(folder, 'events.db');
const children: ChildProcess[] = [];
let receiver: WebhookReceiver;

beforeAll(async () => {
  // Every reply takes 300 ms, so with 16 attempts in flight the 200 deliveries need seconds
  // and the kill below always lands while some of them are under way.
  receiver = await startWebhookReceiver(() => ({ status: 200, delayMs: 300 }));
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await receiver?.close();
  rmSync(folder, { recursive: true, force: true });
});

/** Starts the server as a child process on the shared database, with short workflow timings. */
async function startChild(): Promise<{ child: ChildProcess; url: string }> {
  const started = await spawnServerChild({
    DATABASE_PATH: databasePath,
    // A short lease lets the restarted server reclaim interrupted runs within seconds.
    WORKFLOW_LEASE_MS: '2000',
    WORKFLOW_WEBHOOK_TIMEOUT_MS: '1500',
    WORKFLOW_CODE_TIMEOUT_MS: '1500',
    WORKFLOW_POLL_INTERVAL_MS: '100',
    WORKFLOW_CONCURRENCY: '16',
  });
  children.push(started.child);
  return started;
}

async function post<Data>(url: string, path: string, body: unknown): Promise<{ status: number; data: Data }> {
  const response = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const parsed = (await response.json()) as { data: Data };
  return { status: response.status, data: parsed.data };
}

/** Publishes `eventCount` events from 10 concurrent clients; returns the ids acknowledged with 201. */
async function publishAll(url: string): Promise<string[]> {
  const acknowledged: string[] = [];
  const client = async (clientIndex: number) => {
    for (let index = clientIndex; index < eventCount; index += 10) {
      try {
        const response = await post<{ id: string }>(url, '/events', { type: 'crash.delivery', actor: { type: 'user', id: 'usr_crash' }, payload: { index }, orgId: 'org_crash' });
        if (response.status === 201) acknowledged.push(response.data.id);
      } catch {
        return;
      }
    }
  };
  await Promise.all(Array.from({ length: 10 }, (_, index) => client(index)));
  return acknowledged;
}

function deliveredEventId(delivery: Delivery): string {
  return (JSON.parse(delivery.body) as { id: string }).id;
}

describe('dispatcher crash', () => {
  it('delivers every event after SIGKILL', { timeout: 90_000 }, async () => {
    const first = await startChild();
    const created = await post<CreatedWorkflow>(first.url, '/workflows', {
      name: 'crash-receiver',
      on: 'crash.*',
      webhook: { url: `${receiver.origin}/crash` },
      retry: { maxAttempts: 10, initialDelayMs: 20, maxDelayMs: 200 },
    });
    expect(created.status).toBe(201);

    const acknowledged = await publishAll(first.url);
    await waitUntil(() => receiver.deliveries.length >= 30 && receiver.inFlight() > 0, 'deliveries are under way', { timeoutMs: 20_000, intervalMs: 5 });
    const inFlightAtKill = receiver.inFlight();
    first.child.kill('SIGKILL');
    await new Promise((resolve) => first.child.once('exit', resolve));
    const deliveredBeforeKill = new Set(receiver.deliveries.map(deliveredEventId)).size;

    expect(acknowledged).toHaveLength(eventCount);
    expect(inFlightAtKill).toBeGreaterThan(0);
    expect(deliveredBeforeKill).toBeLessThan(eventCount);

    const second = await startChild();
    const delivered = () => new Set(receiver.deliveries.map(deliveredEventId));
    await waitUntil(() => acknowledged.every((id) => delivered().has(id)), 'every acknowledged event was delivered', { timeoutMs: 45_000, intervalMs: 100 });

    await waitUntil(async () => {
      const page = await fetch(`${second.url}/workflows/${created.data.id}/runs?status=succeeded&limit=500`);
      return ((await page.json()) as { data: RunPage }).data.runs.length >= acknowledged.length;
    }, 'every run is recorded as succeeded', { timeoutMs: 20_000, intervalMs: 100 });

    const webhookIds = new Map<string, Set<string>>();
    for (const delivery of receiver.deliveries) {
      const headers = delivery.headers as Record<string, string>;
      expect(() => new Webhook(created.data.secret).verify(delivery.body, headers)).not.toThrow();
      const ids = webhookIds.get(deliveredEventId(delivery)) ?? new Set<string>();
      ids.add(headers['webhook-id']!);
      webhookIds.set(deliveredEventId(delivery), ids);
    }
    for (const [eventId, ids] of webhookIds) expect(ids.size, `webhook-ids of ${eventId}`).toBe(1);
    expect(new Set([...webhookIds.values()].map((ids) => [...ids][0])).size).toBe(webhookIds.size);
    // The attempts in flight at the kill never got their response, so they were delivered again.
    const counts = new Map<string, number>();
    for (const delivery of receiver.deliveries) counts.set(deliveredEventId(delivery), (counts.get(deliveredEventId(delivery)) ?? 0) + 1);
    expect([...counts.values()].filter((count) => count > 1).length).toBeGreaterThanOrEqual(inFlightAtKill);

    second.child.kill('SIGTERM');
    await new Promise((resolve) => second.child.once('exit', resolve));
  });
});
