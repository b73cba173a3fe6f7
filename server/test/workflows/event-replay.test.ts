import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReplayResult, Run } from '../../../contracts';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver';
import { call, createWorkflow, eventRuns, fastRetry, publishEvent } from './support/workflow-api';
import { startWorkflowServer, type WorkflowTestServer } from './support/workflow-server';
import { waitUntil } from './support/wait-until';

let server: WorkflowTestServer;
let receiver: WebhookReceiver;
let eventId: string;
let firstRuns: Run[];

beforeAll(async () => {
  // The receiver accepts /ok and rejects /gone for good, so one workflow succeeds and one dies.
  receiver = await startWebhookReceiver((delivery) => ({ status: delivery.path === '/ok' ? 200 : 410 }));
  server = await startWorkflowServer();
  await createWorkflow(server.url, { name: 'succeeds', on: 'replay.*', webhook: { url: `${receiver.origin}/ok` }, retry: fastRetry(2) });
  await createWorkflow(server.url, { name: 'fails', on: 'replay.>', webhook: { url: `${receiver.origin}/gone` }, retry: fastRetry(2) });
  eventId = await publishEvent(server.url, 'replay.test', 'org_a');
  await waitUntil(async () => {
    firstRuns = await eventRuns(server.url, eventId);
    return firstRuns.every((run) => run.status === 'succeeded' || run.status === 'dead');
  }, 'both first runs finished');
});

afterAll(async () => {
  await server?.stop();
  server?.remove();
  await receiver?.close();
});

describe('POST /events/{id}/replay', () => {
  it('skips succeeded workflows', async () => {
    const response = await call<ReplayResult>(server.url, 'POST', `/events/${eventId}/replay`, { skipSucceeded: true });

    expect(response.status).toBe(202);
    expect(response.data.runs.map((run) => run.workflowName)).toEqual(['fails']);
    expect(response.data.runs[0]!.origin).toBe('replay');
    expect(firstRuns.map((run) => run.id)).not.toContain(response.data.runs[0]!.id);
  });

  it('replays every matching workflow', async () => {
    const response = await call<ReplayResult>(server.url, 'POST', `/events/${eventId}/replay`);

    expect(response.status).toBe(202);
    expect(response.data.runs.map((run) => run.workflowName).sort()).toEqual(['fails', 'succeeds']);
  });

  it('delivers replayed runs', async () => {
    const before = receiver.deliveries.filter((delivery) => delivery.path === '/ok').length;
    const response = await call<ReplayResult>(server.url, 'POST', `/events/${eventId}/replay`, {});
    const replayed = response.data.runs.find((run) => run.workflowName === 'succeeds')!;
    await waitUntil(async () => (await eventRuns(server.url, eventId)).find((run) => run.id === replayed.id)?.status === 'succeeded', 'the replayed run succeeded');

    const delivered = receiver.deliveries.filter((delivery) => delivery.path === '/ok');
    expect(delivered.length).toBeGreaterThan(before);
    expect(delivered.map((delivery) => delivery.headers['webhook-id'])).toContain(replayed.id);
  });

  it('answers 404 for unknown event', async () => {
    const response = await call(server.url, 'POST', '/events/evt_00000000000000000000000000/replay');
    expect(response.status).toBe(404);
  });

  it('rejects invalid options', async () => {
    const response = await call(server.url, 'POST', `/events/${eventId}/replay`, { skipSucceeded: 'yes' });
    expect(response.status).toBe(400);
    expect(response.error?.details?.map((detail) => detail.field)).toEqual(['skipSucceeded']);
  });
});
