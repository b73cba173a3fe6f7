import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Run } from '../../../contracts';
import { startWebhookReceiver, type Delivery, type WebhookReceiver } from './support/webhook-receiver';
import { call, createWorkflow, eventRuns, fastRetry, getRun, publishEvent } from './support/workflow-api';
import { startWorkflowServer, type WorkflowTestServer } from './support/workflow-server';
import { waitUntil } from './support/wait-until';

let server: WorkflowTestServer;
let receiver: WebhookReceiver;
/** Replies by path: each test sends to its own path and scripts the statuses it gets. */
const scripts = new Map<string, Array<{ status: number; headers?: Record<string, string> } | 'hang'>>();

beforeAll(async () => {
  receiver = await startWebhookReceiver((delivery) => {
    const script = scripts.get(delivery.path);
    const next = script !== undefined && script.length > 1 ? script.shift()! : (script?.[0] ?? { status: 200 });
    return next;
  });
  server = await startWorkflowServer({ settings: { webhookTimeoutMs: 300, leaseMs: 2_000 } });
});

afterAll(async () => {
  await server?.stop();
  server?.remove();
  await receiver?.close();
});

function deliveriesTo(path: string): Delivery[] {
  return receiver.deliveries.filter((delivery) => delivery.path === path);
}

/** Creates a workflow for one event type of its own that posts to `path` on the receiver. */
async function workflowFor(name: string, path: string, retry: Record<string, number>) {
  return createWorkflow(server.url, { name, on: `delivery.${name}`, webhook: { url: `${receiver.origin}${path}` }, retry });
}

async function settledRun(eventId: string, statuses: Run['status'][] = ['succeeded', 'dead']): Promise<Run> {
  let run: Run | undefined;
  await waitUntil(async () => {
    [run] = await eventRuns(server.url, eventId);
    return run !== undefined && statuses.includes(run.status);
  }, `the run of ${eventId} is ${statuses.join(' or ')}`);
  return run!;
}

function logsOf(runId: string, message: string) {
  return server.logs.filter((entry) => entry.runId === runId && entry.msg === message);
}

describe('webhook delivery', () => {
  it('verifies with standardwebhooks', async () => {
    const workflow = await workflowFor('signed', '/signed', fastRetry(3));
    const eventId = await publishEvent(server.url, 'delivery.signed', 'org_a', { ticket: 'TCK-1' });
    const run = await settledRun(eventId);
    const [delivery] = deliveriesTo('/signed');
    const stored = await call<Record<string, unknown>>(server.url, 'GET', `/events/${eventId}`);

    const verified = new Webhook(workflow.secret).verify(delivery!.body, delivery!.headers as Record<string, string>);
    expect(verified).toEqual(stored.data);
    expect(delivery!.body).toBe(JSON.stringify(stored.data));
    expect(delivery!.headers['webhook-id']).toBe(run.id);
    expect(delivery!.headers['content-type']).toBe('application/json');
  });

  it('succeeds on third attempt', async () => {
    scripts.set('/flaky', [{ status: 500 }, { status: 503 }, { status: 200 }]);
    await workflowFor('flaky', '/flaky', fastRetry(5));
    const eventId = await publishEvent(server.url, 'delivery.flaky', 'org_a');
    const run = await settledRun(eventId);

    expect(run.status).toBe('succeeded');
    expect(run.attempts).toBe(3);
    expect(run.lastStatus).toBe(200);
    expect(run.lastError).toBe('receiver responded with HTTP 503');
    expect(run.completedAt).not.toBeNull();
    expect(new Set(deliveriesTo('/flaky').map((delivery) => delivery.headers['webhook-id']))).toEqual(new Set([run.id]));
  });

  it('logs each failure once', async () => {
    scripts.set('/flaky', [{ status: 500 }, { status: 500 }, { status: 200 }]);
    const eventId = await publishEvent(server.url, 'delivery.flaky', 'org_a', { marker: 'payload-must-not-be-logged' });
    const run = await settledRun(eventId);
    const failed = logsOf(run.id, 'workflow attempt failed');
    const retries = logsOf(run.id, 'workflow retry scheduled');

    expect(run.attempts).toBe(3);
    expect(failed).toHaveLength(2);
    expect(retries).toHaveLength(2);
    expect(logsOf(run.id, 'workflow run is dead')).toHaveLength(0);
    for (const entry of [...failed, ...retries]) {
      expect(entry.workflowId).toBe(run.workflowId);
      expect(entry.eventId).toBe(eventId);
    }
    expect(JSON.stringify(server.logs)).not.toContain('payload-must-not-be-logged');
  });

  it('treats 404 as permanent', async () => {
    scripts.set('/gone', [{ status: 404 }]);
    await workflowFor('gone', '/gone', fastRetry(5));
    const eventId = await publishEvent(server.url, 'delivery.gone', 'org_a');
    const run = await settledRun(eventId);

    expect(run.status).toBe('dead');
    expect(run.attempts).toBe(1);
    expect(deliveriesTo('/gone')).toHaveLength(1);
    expect(logsOf(run.id, 'workflow run is dead')).toHaveLength(1);
  });

  it.each([408, 429])('retries status %i', async (status) => {
    const path = `/status-${status}`;
    scripts.set(path, [{ status }, { status: 200 }]);
    await workflowFor(`status-${status}`, path, fastRetry(3));
    const eventId = await publishEvent(server.url, `delivery.status-${status}`, 'org_a');
    const run = await settledRun(eventId);

    expect(run.status).toBe('succeeded');
    expect(run.attempts).toBe(2);
  });

  it('waits for Retry-After', async () => {
    scripts.set('/later', [{ status: 503, headers: { 'retry-after': '1' } }, { status: 200 }]);
    await workflowFor('later', '/later', { maxAttempts: 3, initialDelayMs: 5, maxDelayMs: 5_000 });
    const eventId = await publishEvent(server.url, 'delivery.later', 'org_a');
    await settledRun(eventId);
    const [first, second] = deliveriesTo('/later');

    expect(second!.receivedAt - first!.receivedAt).toBeGreaterThanOrEqual(950);
  });

  it('caps Retry-After at maxDelayMs', async () => {
    scripts.set('/much-later', [{ status: 429, headers: { 'retry-after': '3600' } }, { status: 200 }]);
    await workflowFor('much-later', '/much-later', { maxAttempts: 3, initialDelayMs: 5, maxDelayMs: 200 });
    const eventId = await publishEvent(server.url, 'delivery.much-later', 'org_a');
    const run = await settledRun(eventId);
    const [first, second] = deliveriesTo('/much-later');

    expect(run.status).toBe('succeeded');
    expect(second!.receivedAt - first!.receivedAt).toBeLessThan(2_000);
  });

  it('retries timed-out attempts', async () => {
    scripts.set('/slow', ['hang', { status: 200 }]);
    await workflowFor('slow', '/slow', fastRetry(3));
    const eventId = await publishEvent(server.url, 'delivery.slow', 'org_a');
    const run = await settledRun(eventId);

    expect(run.status).toBe('succeeded');
    expect(run.attempts).toBe(2);
    expect(run.lastError).toBe('timed out after 300 ms');
  });
});

describe('dead runs', () => {
  it('succeeds after POST /runs/{id}/retry', async () => {
    scripts.set('/down', [{ status: 500 }]);
    await workflowFor('down', '/down', fastRetry(2));
    const eventId = await publishEvent(server.url, 'delivery.down', 'org_a');
    const dead = await settledRun(eventId);
    expect(dead.status).toBe('dead');
    expect(dead.attempts).toBe(2);

    scripts.set('/down', [{ status: 200 }]);
    const retried = await call<Run>(server.url, 'POST', `/runs/${dead.id}/retry`);
    expect(retried.status).toBe(202);
    expect(retried.data.attempts).toBe(0);
    expect(['pending', 'running', 'succeeded']).toContain(retried.data.status);

    const run = await settledRun(eventId, ['succeeded']);
    expect(run.id).toBe(dead.id);
    expect(run.attempts).toBe(1);
    expect(new Set(deliveriesTo('/down').map((delivery) => delivery.headers['webhook-id']))).toEqual(new Set([dead.id]));
  });

  it('rejects retry of live run', async () => {
    const eventId = await publishEvent(server.url, 'delivery.signed', 'org_a');
    const run = await settledRun(eventId);
    const response = await call(server.url, 'POST', `/runs/${run.id}/retry`);

    expect(response.status).toBe(409);
    expect(response.error?.code).toBe('CONFLICT');
  });

  it('answers 404 for unknown run', async () => {
    const response = await call(server.url, 'POST', '/runs/run_00000000000000000000000000/retry');
    expect(response.status).toBe(404);
    expect((await call(server.url, 'GET', '/runs/evt_not_a_run')).status).toBe(400);
  });

  it('marks queued runs dead on delete', async () => {
    scripts.set('/doomed', [{ status: 500 }]);
    const workflow = await workflowFor('doomed', '/doomed', { maxAttempts: 5, initialDelayMs: 60_000, maxDelayMs: 60_000 });
    const eventId = await publishEvent(server.url, 'delivery.doomed', 'org_a');
    await settledRun(eventId, ['retrying']);
    expect((await call(server.url, 'DELETE', `/workflows/${workflow.id}`)).status).toBe(200);

    const [run] = await eventRuns(server.url, eventId);
    expect(run!.status).toBe('dead');
    expect(run!.lastError).toBe('the workflow was deleted before the run finished');
    expect((await getRun(server.url, run!.id)).workflowName).toBe('doomed');
  });
});

describe('secret rotation', () => {
  it('signs with both secrets', async () => {
    const workflow = await workflowFor('rotated', '/rotated', fastRetry(3));
    const rotated = await call<{ secret: string; previousSecretExpiresAt: string }>(server.url, 'POST', `/workflows/${workflow.id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    expect(rotated.data.secret).not.toBe(workflow.secret);
    expect(Date.parse(rotated.data.previousSecretExpiresAt) - Date.now()).toBeGreaterThan(23 * 3600 * 1000);

    const eventId = await publishEvent(server.url, 'delivery.rotated', 'org_a');
    await settledRun(eventId);
    const delivery = deliveriesTo('/rotated').at(-1)!;
    const headers = delivery.headers as Record<string, string>;
    expect(() => new Webhook(workflow.secret).verify(delivery.body, headers)).not.toThrow();
    expect(() => new Webhook(rotated.data.secret).verify(delivery.body, headers)).not.toThrow();
    expect((await call<{ previousSecretExpiresAt: string }>(server.url, 'GET', `/workflows/${workflow.id}`)).data.previousSecretExpiresAt).toBe(
      rotated.data.previousSecretExpiresAt,
    );
  });

  it('drops old secret without overlap', async () => {
    const workflow = await workflowFor('revoked', '/revoked', fastRetry(3));
    const rotated = await call<{ secret: string; previousSecretExpiresAt: null }>(server.url, 'POST', `/workflows/${workflow.id}/rotate-secret`, { overlapSeconds: 0 });
    expect(rotated.data.previousSecretExpiresAt).toBeNull();

    const eventId = await publishEvent(server.url, 'delivery.revoked', 'org_a');
    await settledRun(eventId);
    const delivery = deliveriesTo('/revoked').at(-1)!;
    const headers = delivery.headers as Record<string, string>;
    expect(() => new Webhook(workflow.secret).verify(delivery.body, headers)).toThrow('No matching signature found');
    expect(() => new Webhook(rotated.data.secret).verify(delivery.body, headers)).not.toThrow();
    expect(headers['webhook-signature']!.split(' ')).toHaveLength(1);
  });
});
