import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventsClient } from '../../../client';
import type { Run, RunPage, Workflow } from '../../../contracts';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver';
import { call, createWorkflow, eventRuns, fastRetry, getWorkflow, publishEvent } from './support/workflow-api';
import { startWorkflowServer, type WorkflowTestServer } from './support/workflow-server';
import { waitUntil } from './support/wait-until';

let server: WorkflowTestServer;
let receiver: WebhookReceiver;
let hook: string;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  server = await startWorkflowServer();
  hook = `${receiver.origin}/hook`;
});

afterAll(async () => {
  await server?.stop();
  server?.remove();
  await receiver?.close();
});

function fields(response: { error?: { details?: Array<{ field: string }> } }): string[] {
  return (response.error?.details ?? []).map((detail) => detail.field);
}

describe('POST /workflows', () => {
  it('returns 201 with secret once', async () => {
    const response = await call<Workflow & { secret: string }>(server.url, 'POST', '/workflows', { name: 'created', on: 'api.created', webhook: { url: hook } });
    expect(response.status).toBe(201);
    expect(response.headers.get('location')).toBe(`/workflows/${response.data.id}`);
    expect(response.data.id).toMatch(/^wf_[0-9a-hjkmnp-tv-z]{26}$/);
    expect(response.data.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(response.data.retry).toEqual({ maxAttempts: 8, initialDelayMs: 1000, maxDelayMs: 300000 });
    expect(response.data).toMatchObject({ name: 'created', on: 'api.created', orgId: null, kind: 'webhook', source: 'api', enabled: true, webhook: { url: hook } });

    const read = await getWorkflow(server.url, response.data.id);
    expect(read.status).toBe(200);
    expect(read.data).not.toHaveProperty('secret');
    expect(JSON.stringify(read.data)).not.toContain(response.data.secret);
  });

  it.each(['support.>.created', 'support..ticket', 'support.tick*', ' support', '>.x'])('rejects pattern %j', async (on) => {
    const response = await call(server.url, 'POST', '/workflows', { name: 'bad-pattern', on, webhook: { url: hook } });
    expect(response.status).toBe(400);
    expect(fields(response)).toEqual(['on']);
  });

  it.each(['ftp://127.0.0.1/x', 'not a url', 'http://user:pw@127.0.0.1/x'])('rejects URL %j', async (url) => {
    const response = await call(server.url, 'POST', '/workflows', { name: 'bad-url', on: 'api.x', webhook: { url } });
    expect(response.status).toBe(400);
    expect(fields(response)).toEqual(['webhook.url']);
  });

  it('rejects unordered retry delays', async () => {
    const response = await call(server.url, 'POST', '/workflows', { name: 'bad-retry', on: 'api.x', webhook: { url: hook }, retry: { initialDelayMs: 500, maxDelayMs: 100 } });
    expect(response.status).toBe(400);
    expect(fields(response)).toEqual(['retry.maxDelayMs']);
  });

  it('rejects unknown fields', async () => {
    const response = await call(server.url, 'POST', '/workflows', { name: 'extra', on: 'api.x', webhook: { url: hook }, target: 'x' });
    expect(response.status).toBe(400);
    expect(response.error?.message).toContain('unknown fields');
  });

  it('rejects duplicate name', async () => {
    await createWorkflow(server.url, { name: 'twice', on: 'api.x', webhook: { url: hook } });
    const response = await call(server.url, 'POST', '/workflows', { name: 'twice', on: 'api.y', webhook: { url: hook } });
    expect(response.status).toBe(409);
    expect(fields(response)).toEqual(['name']);
  });

  it('allows same name in another organisation', async () => {
    await createWorkflow(server.url, { name: 'per-org', on: 'api.x', orgId: 'org_a', webhook: { url: hook } });
    const other = await call(server.url, 'POST', '/workflows', { name: 'per-org', on: 'api.x', orgId: 'org_b', webhook: { url: hook } });
    expect(other.status).toBe(201);
  });
});

describe('webhook address guard', () => {
  it('rejects loopback when private is off', async () => {
    const strict = await startWorkflowServer({ settings: { allowPrivateAddresses: false } });
    try {
      const response = await call(strict.url, 'POST', '/workflows', { name: 'loopback', on: 'api.x', webhook: { url: hook } });
      expect(response.status).toBe(400);
      expect(fields(response)).toEqual(['webhook.url']);
      expect(response.error?.message).toContain('loopback');
    } finally {
      await strict.stop();
      strict.remove();
    }
  });

  it('allows listed networks', async () => {
    const listed = await startWorkflowServer({ settings: { allowPrivateAddresses: false, allowedNetworks: ['127.0.0.1/32'] } });
    try {
      const response = await call(listed.url, 'POST', '/workflows', { name: 'listed', on: 'api.x', webhook: { url: hook } });
      expect(response.status).toBe(201);
    } finally {
      await listed.stop();
      listed.remove();
    }
  });

  it('checks address at delivery', async () => {
    const before = receiver.deliveries.length;
    const open = await startWorkflowServer({ settings: { pollIntervalMs: 50 } });
    const workflow = await createWorkflow(open.url, { name: 'checked-later', on: 'api.guarded', webhook: { url: hook }, retry: fastRetry(3) });
    await open.stop();
    const strict = await open.restart({ settings: { allowPrivateAddresses: false } });
    try {
      const eventId = await publishEvent(strict.url, 'api.guarded', 'org_a');
      let run: Run | undefined;
      await waitUntil(async () => ([run] = await eventRuns(strict.url, eventId)) && run?.status === 'dead', 'the guarded run is dead');

      expect(run!.workflowId).toBe(workflow.id);
      expect(run!.attempts).toBe(1);
      expect(run!.lastError).toContain('loopback');
      expect(receiver.deliveries.length).toBe(before);
    } finally {
      await strict.stop();
      strict.remove();
    }
  });
});

describe('workflow management', () => {
  it('lists workflows by organisation', async () => {
    const workflow = await createWorkflow(server.url, { name: 'listed-org', on: 'api.x', orgId: 'org_list', webhook: { url: hook } });
    const all = await call<{ workflows: Workflow[] }>(server.url, 'GET', '/workflows');
    const filtered = await call<{ workflows: Workflow[] }>(server.url, 'GET', '/workflows?orgId=org_list');

    expect(all.data.workflows.map((item) => item.id)).toContain(workflow.id);
    expect(filtered.data.workflows.map((item) => item.id)).toEqual([workflow.id]);
  });

  it('stops runs while disabled', async () => {
    const workflow = await createWorkflow(server.url, { name: 'toggled', on: 'api.toggled', webhook: { url: hook } });
    const disabled = await call<Workflow>(server.url, 'PATCH', `/workflows/${workflow.id}`, { enabled: false });
    expect(disabled.status).toBe(200);
    expect(disabled.data.enabled).toBe(false);
    expect(await eventRuns(server.url, await publishEvent(server.url, 'api.toggled', 'org_a'))).toEqual([]);

    await call(server.url, 'PATCH', `/workflows/${workflow.id}`, { enabled: true });
    expect(await eventRuns(server.url, await publishEvent(server.url, 'api.toggled', 'org_a'))).toHaveLength(1);
  });

  it('applies a changed pattern', async () => {
    const workflow = await createWorkflow(server.url, { name: 'repatterned', on: 'api.old', webhook: { url: hook } });
    const changed = await call<Workflow>(server.url, 'PATCH', `/workflows/${workflow.id}`, { on: 'api.new.*', retry: { maxAttempts: 2 } });
    expect(changed.data.on).toBe('api.new.*');
    expect(changed.data.retry).toEqual({ maxAttempts: 2, initialDelayMs: 1000, maxDelayMs: 300000 });

    expect(await eventRuns(server.url, await publishEvent(server.url, 'api.old', 'org_a'))).toEqual([]);
    expect(await eventRuns(server.url, await publishEvent(server.url, 'api.new.thing', 'org_a'))).toHaveLength(1);
  });

  it('rejects empty or invalid changes', async () => {
    const workflow = await createWorkflow(server.url, { name: 'unchanged', on: 'api.x', webhook: { url: hook } });
    const empty = await call(server.url, 'PATCH', `/workflows/${workflow.id}`, {});
    const invalid = await call(server.url, 'PATCH', `/workflows/${workflow.id}`, { on: 'a.>.b' });

    expect(empty.status).toBe(400);
    expect(invalid.status).toBe(400);
    expect(fields(invalid)).toEqual(['on']);
  });

  it('keeps runs after delete', async () => {
    const workflow = await createWorkflow(server.url, { name: 'deleted', on: 'api.deleted', webhook: { url: hook } });
    const eventId = await publishEvent(server.url, 'api.deleted', 'org_a');
    const removed = await call<{ id: string; deletedAt: string }>(server.url, 'DELETE', `/workflows/${workflow.id}`);
    expect(removed.status).toBe(200);
    expect(removed.data.id).toBe(workflow.id);

    expect((await getWorkflow(server.url, workflow.id)).status).toBe(404);
    expect((await call(server.url, 'DELETE', `/workflows/${workflow.id}`)).status).toBe(404);
    expect(await eventRuns(server.url, eventId)).toHaveLength(1);
    const runs = await call<RunPage>(server.url, 'GET', `/workflows/${workflow.id}/runs`);
    expect(runs.status).toBe(200);
    expect(runs.data.runs).toHaveLength(1);
    expect(await eventRuns(server.url, await publishEvent(server.url, 'api.deleted', 'org_a'))).toEqual([]);
    expect((await createWorkflow(server.url, { name: 'deleted', on: 'api.deleted', webhook: { url: hook } })).name).toBe('deleted');
  });

  it('answers 405 with allowed methods', async () => {
    const workflow = await createWorkflow(server.url, { name: 'put-target', on: 'api.x', webhook: { url: hook } });
    const response = await call(server.url, 'PUT', `/workflows/${workflow.id}`, {});
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD, PATCH, DELETE');
  });

  it('answers 404 for unknown workflow', async () => {
    const unknown = 'wf_00000000000000000000000000';
    expect((await getWorkflow(server.url, unknown)).status).toBe(404);
    expect((await call(server.url, 'GET', `/workflows/${unknown}/runs`)).status).toBe(404);
    expect((await call(server.url, 'POST', `/workflows/${unknown}/rotate-secret`)).status).toBe(404);
    expect((await getWorkflow(server.url, 'evt_wrong')).status).toBe(400);
  });
});

describe('run listings', () => {
  it('pages runs with cursors', async () => {
    const workflow = await createWorkflow(server.url, { name: 'paged', on: 'api.paged', webhook: { url: hook } });
    const events = [];
    for (let index = 0; index < 3; index++) events.push(await publishEvent(server.url, 'api.paged', 'org_a'));
    const first = await call<RunPage>(server.url, 'GET', `/workflows/${workflow.id}/runs?limit=2`);
    const second = await call<RunPage>(server.url, 'GET', `/workflows/${workflow.id}/runs?limit=2&cursor=${first.data.nextCursor}`);

    expect(first.data.runs.map((run) => run.eventId)).toEqual(events.slice(0, 2));
    expect(second.data.runs.map((run) => run.eventId)).toEqual(events.slice(2));
    expect(second.data.nextCursor).toBeNull();
    const newest = await call<RunPage>(server.url, 'GET', `/workflows/${workflow.id}/runs?order=desc&limit=1`);
    expect(newest.data.runs[0]!.eventId).toBe(events[2]);
  });

  it('rejects cursor of other listing', async () => {
    const workflow = await createWorkflow(server.url, { name: 'cursor-owner', on: 'api.cursor', webhook: { url: hook } });
    const eventId = await publishEvent(server.url, 'api.cursor', 'org_a');
    await publishEvent(server.url, 'api.cursor', 'org_a');
    const page = await call<RunPage>(server.url, 'GET', `/workflows/${workflow.id}/runs?limit=1`);
    const misused = await call(server.url, 'GET', `/events/${eventId}/runs?cursor=${page.data.nextCursor}`);

    expect(misused.status).toBe(400);
    expect(misused.error?.code).toBe('INVALID_CURSOR');
  });

  it('filters runs by status', async () => {
    const workflow = await createWorkflow(server.url, { name: 'filtered', on: 'api.filtered', webhook: { url: hook } });
    const eventId = await publishEvent(server.url, 'api.filtered', 'org_a');
    await waitUntil(async () => (await eventRuns(server.url, eventId))[0]?.status === 'succeeded', 'the run succeeded');
    const succeeded = await call<RunPage>(server.url, 'GET', `/workflows/${workflow.id}/runs?status=succeeded`);
    const dead = await call<RunPage>(server.url, 'GET', `/workflows/${workflow.id}/runs?status=dead`);

    expect(succeeded.data.runs).toHaveLength(1);
    expect(dead.data.runs).toEqual([]);
  });

  it('answers 404 for unknown event', async () => {
    const response = await call(server.url, 'GET', '/events/evt_00000000000000000000000000/runs');
    expect(response.status).toBe(404);
  });
});

describe('workflows over tRPC', () => {
  it('creates and lists like REST', async () => {
    const client = createEventsClient({ url: server.url });
    const created = await client.trpc.workflows.create.mutate({ name: 'via-trpc', on: 'api.trpc', webhook: { url: hook }, retry: fastRetry(3) });
    expect(created.secret).toMatch(/^whsec_/);
    const event = await client.publish({ type: 'api.trpc', actor: { type: 'user', id: 'usr_1' }, payload: {}, orgId: 'org_a' });
    const page = await client.trpc.events.runs.query({ id: event.id });

    expect(page.runs.map((run) => run.workflowId)).toEqual([created.id]);
    expect((await client.trpc.workflows.get.query({ id: created.id })).name).toBe('via-trpc');
    expect((await client.trpc.workflows.delete.mutate({ id: created.id })).id).toBe(created.id);
  });

  it('reports the invalid field', async () => {
    const client = createEventsClient({ url: server.url });
    const failure = await client.trpc.workflows.create.mutate({ name: 'bad-trpc', on: 'a.>.b', webhook: { url: hook } }).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(TRPCClientError);
    const data = (failure as TRPCClientError<never>).data as unknown as { code: string; details: Array<{ field: string }> };
    expect(data.code).toBe('VALIDATION_FAILED');
    expect(data.details.map((detail) => detail.field)).toEqual(['on']);
  });
});
