import { afterEach, describe, expect, it } from 'vitest';
import type { Run } from '../../../contracts';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver';
import { createWorkflow, eventRuns, fastRetry, publishEvent } from './support/workflow-api';
import { startWorkflowServer, type WorkflowTestServer } from './support/workflow-server';
import { waitUntil } from './support/wait-until';

const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function receiverFor(...args: Parameters<typeof startWebhookReceiver>): Promise<WebhookReceiver> {
  const receiver = await startWebhookReceiver(...args);
  cleanups.push(() => receiver.close());
  return receiver;
}

/** Starts a server that the test's cleanup stops and removes; stopping twice is harmless. */
async function serverWith(options: Parameters<typeof startWorkflowServer>[0]): Promise<WorkflowTestServer> {
  const server = await startWorkflowServer(options);
  cleanups.push(async () => {
    await server.stop();
    server.remove();
  });
  return server;
}

describe('dispatcher', () => {
  it('bounds attempts in flight', async () => {
    let inFlight = 0;
    let maximum = 0;
    const receiver = await receiverFor(() => {
      inFlight += 1;
      maximum = Math.max(maximum, inFlight);
      setTimeout(() => (inFlight -= 1), 100);
      return { status: 200, delayMs: 100 };
    });
    const server = await serverWith({ settings: { concurrency: 3 } });
    await createWorkflow(server.url, { name: 'bounded', on: 'bounded', webhook: { url: `${receiver.origin}/bounded` } });
    const events = await Promise.all(Array.from({ length: 12 }, () => publishEvent(server.url, 'bounded', 'org_a')));
    await waitUntil(async () => (await Promise.all(events.map((id) => eventRuns(server.url, id)))).every(([run]) => run?.status === 'succeeded'), 'all 12 runs succeeded');

    expect(receiver.deliveries).toHaveLength(12);
    expect(maximum).toBe(3);
  });

  it('wakes on publish before poll', async () => {
    const receiver = await receiverFor();
    const server = await serverWith({ settings: { pollIntervalMs: 30_000 } });
    await createWorkflow(server.url, { name: 'prompt', on: 'prompt', webhook: { url: `${receiver.origin}/prompt` } });
    const published = Date.now();
    await publishEvent(server.url, 'prompt', 'org_a');
    await waitUntil(() => receiver.deliveries.length === 1, 'the delivery arrived', { timeoutMs: 5_000 });

    expect(receiver.deliveries[0]!.receivedAt - published).toBeLessThan(1_000);
  });

  it('hands back runs on shutdown', async () => {
    const receiver = await receiverFor(() => 'hang');
    const server = await serverWith({ settings: { leaseMs: 60_000, webhookTimeoutMs: 30_000 } });
    await createWorkflow(server.url, { name: 'interrupted', on: 'interrupted', webhook: { url: `${receiver.origin}/interrupted` }, retry: fastRetry(3) });
    const eventId = await publishEvent(server.url, 'interrupted', 'org_a');
    await waitUntil(() => receiver.inFlight() === 1, 'the attempt is in flight');
    await server.stop();

    receiver.setReply(() => ({ status: 200 }));
    const restarted = await server.restart({ settings: { leaseMs: 60_000, webhookTimeoutMs: 30_000 } });
    cleanups.push(() => restarted.stop());
    let run: Run | undefined;
    await waitUntil(async () => ([run] = await eventRuns(restarted.url, eventId)) && run?.status === 'succeeded', 'the run succeeded after the restart', { timeoutMs: 10_000 });

    expect(run!.attempts).toBe(1);
    expect(receiver.deliveries.map((delivery) => delivery.headers['webhook-id'])).toEqual([run!.id, run!.id]);
  });
});
