import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Event, Run, Workflow } from '../../../contracts';
import { defineWorkflow, PermanentWorkflowError, type WorkflowContext } from '../../src/workflows/define-workflow';
import { call, eventRuns, publishEvent } from './support/workflow-api';
import { startWorkflowServer, type WorkflowTestServer } from './support/workflow-server';
import { waitUntil } from './support/wait-until';

type Call = { event: Event; context: WorkflowContext };
const calls = new Map<string, Call[]>();
const record = (name: string, event: Event, context: WorkflowContext) => calls.set(name, [...(calls.get(name) ?? []), { event, context }]);

const retry = { maxAttempts: 3, initialDelayMs: 5, maxDelayMs: 20 };
const workflows = [
  defineWorkflow({ name: 'records', on: 'code.records', retry, handler: (event, context) => record('records', event, context) }),
  defineWorkflow({
    name: 'fails-once',
    on: 'code.flaky',
    retry,
    handler: (event, context) => {
      record('fails-once', event, context);
      if (context.attempt === 1) throw new Error('temporary outage');
    },
  }),
  defineWorkflow({
    name: 'waits-for-abort',
    on: 'code.slow',
    retry: { ...retry, maxAttempts: 1 },
    handler: (event, context) =>
      new Promise<void>((resolve) => {
        record('waits-for-abort', event, context);
        context.signal.addEventListener('abort', () => resolve());
      }),
  }),
  defineWorkflow({
    name: 'permanent',
    on: 'code.permanent',
    retry,
    handler: () => {
      throw new PermanentWorkflowError('this event can never be handled');
    },
  }),
];

let server: WorkflowTestServer;

beforeAll(async () => {
  server = await startWorkflowServer({ workflows, settings: { codeTimeoutMs: 300 } });
});

afterAll(async () => {
  await server?.stop();
  server?.remove();
});

async function finishedRun(eventId: string): Promise<Run> {
  let run: Run | undefined;
  await waitUntil(async () => {
    [run] = await eventRuns(server.url, eventId);
    return run?.status === 'succeeded' || run?.status === 'dead';
  }, `the run of ${eventId} finished`);
  return run!;
}

describe('code workflows', () => {
  it('passes event and context', async () => {
    const eventId = await publishEvent(server.url, 'code.records', 'org_a', { ticket: 'TCK-9' });
    const run = await finishedRun(eventId);
    const [only] = calls.get('records')!;

    expect(run.status).toBe('succeeded');
    expect(only!.event).toMatchObject({ id: eventId, type: 'code.records', payload: { ticket: 'TCK-9' }, orgId: 'org_a' });
    expect(only!.context.runId).toBe(run.id);
    expect(only!.context.attempt).toBe(1);
    expect(only!.context.signal.aborted).toBe(false);
  });

  it('retries a throwing handler', async () => {
    const eventId = await publishEvent(server.url, 'code.flaky', 'org_a');
    const run = await finishedRun(eventId);

    expect(run.status).toBe('succeeded');
    expect(run.attempts).toBe(2);
    expect(run.lastError).toBe('handler failed: temporary outage');
    expect(calls.get('fails-once')!.map((entry) => entry.context.runId)).toEqual([run.id, run.id]);
  });

  it('aborts a handler on timeout', async () => {
    const eventId = await publishEvent(server.url, 'code.slow', 'org_a');
    const run = await finishedRun(eventId);

    expect(run.status).toBe('dead');
    expect(run.lastError).toBe('timed out after 300 ms');
    expect(calls.get('waits-for-abort')![0]!.context.signal.aborted).toBe(true);
  });

  it('stops on PermanentWorkflowError', async () => {
    const eventId = await publishEvent(server.url, 'code.permanent', 'org_a');
    const run = await finishedRun(eventId);

    expect(run.status).toBe('dead');
    expect(run.attempts).toBe(1);
    expect(run.lastError).toBe('handler failed: this event can never be handled');
  });

  it('lists code workflows', async () => {
    const list = await call<{ workflows: Workflow[] }>(server.url, 'GET', '/workflows');
    const records = list.data.workflows.find((workflow) => workflow.name === 'records')!;

    expect(records).toMatchObject({ kind: 'code', source: 'code', webhook: null, on: 'code.records', retry });
  });

  it('allows only enabling changes', async () => {
    const list = await call<{ workflows: Workflow[] }>(server.url, 'GET', '/workflows');
    const id = list.data.workflows.find((workflow) => workflow.name === 'records')!.id;

    expect((await call(server.url, 'PATCH', `/workflows/${id}`, { on: 'code.other' })).status).toBe(409);
    expect((await call(server.url, 'DELETE', `/workflows/${id}`)).status).toBe(409);
    expect((await call(server.url, 'POST', `/workflows/${id}/rotate-secret`)).status).toBe(409);
    expect((await call<Workflow>(server.url, 'PATCH', `/workflows/${id}`, { enabled: false })).data.enabled).toBe(false);
    await call(server.url, 'PATCH', `/workflows/${id}`, { enabled: true });
  });

  it('deletes workflows missing after restart', async () => {
    const list = await call<{ workflows: Workflow[] }>(server.url, 'GET', '/workflows');
    const id = list.data.workflows.find((workflow) => workflow.name === 'permanent')!.id;
    await server.stop();
    server = await server.restart({ workflows: workflows.filter((workflow) => workflow.name !== 'permanent') });

    expect((await call(server.url, 'GET', `/workflows/${id}`)).status).toBe(404);
    expect((await call<{ workflows: Workflow[] }>(server.url, 'GET', '/workflows')).data.workflows.map((workflow) => workflow.name).sort()).toEqual([
      'fails-once',
      'records',
      'waits-for-abort',
    ]);
  });
});

describe('defineWorkflow', () => {
  it('rejects invalid pattern', () => {
    expect(() => defineWorkflow({ name: 'x', on: 'a.>.b', handler: () => undefined })).toThrow(TypeError);
  });

  it('rejects invalid name', () => {
    expect(() => defineWorkflow({ name: 'has space', on: 'a', handler: () => undefined })).toThrow('name must be a string');
  });

  it('rejects unordered retry delays', () => {
    expect(() => defineWorkflow({ name: 'x', on: 'a', retry: { initialDelayMs: 100, maxDelayMs: 10 }, handler: () => undefined })).toThrow('retry.maxDelayMs');
  });
});
