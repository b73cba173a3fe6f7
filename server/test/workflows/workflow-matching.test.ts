import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver';
import { createWorkflow, eventRuns, publishEvent } from './support/workflow-api';
import { startWorkflowServer, type WorkflowTestServer } from './support/workflow-server';

let server: WorkflowTestServer;
let receiver: WebhookReceiver;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  server = await startWorkflowServer();
  const url = `${receiver.origin}/hook`;
  await createWorkflow(server.url, { name: 'exact', on: 'support.ticket.created', webhook: { url } });
  await createWorkflow(server.url, { name: 'one-segment', on: 'support.ticket.*', webhook: { url } });
  await createWorkflow(server.url, { name: 'rest', on: 'support.>', webhook: { url } });
  await createWorkflow(server.url, { name: 'billing', on: 'billing.>', webhook: { url } });
  await createWorkflow(server.url, { name: 'org-b-only', on: '>', orgId: 'org_b', webhook: { url } });
  await createWorkflow(server.url, { name: 'everything', on: '>', webhook: { url } });
});

afterAll(async () => {
  await server?.stop();
  server?.remove();
  await receiver?.close();
});

// Each row publishes one event and lists the workflows whose runs must exist right after
// the 201, because runs are written in the event's own transaction.
const table: Array<{ type: string; orgId: string; expected: string[] }> = [
  { type: 'support.ticket.created', orgId: 'org_a', expected: ['everything', 'exact', 'one-segment', 'rest'] },
  { type: 'support.ticket.closed', orgId: 'org_a', expected: ['everything', 'one-segment', 'rest'] },
  { type: 'support.ticket.created.v2', orgId: 'org_a', expected: ['everything', 'rest'] },
  { type: 'support.ticket', orgId: 'org_a', expected: ['everything', 'rest'] },
  { type: 'support', orgId: 'org_a', expected: ['everything'] },
  { type: 'supporting.ticket.created', orgId: 'org_a', expected: ['everything'] },
  { type: 'billing.invoice.paid', orgId: 'org_a', expected: ['billing', 'everything'] },
  { type: 'billing.invoice.paid', orgId: 'org_b', expected: ['billing', 'everything', 'org-b-only'] },
  { type: 'marketing.mail.sent', orgId: 'org_b', expected: ['everything', 'org-b-only'] },
];

describe('workflow triggers', () => {
  it.each(table)('$type in $orgId triggers $expected', async ({ type, orgId, expected }) => {
    const eventId = await publishEvent(server.url, type, orgId);
    const runs = await eventRuns(server.url, eventId);
    expect(runs.map((run) => run.workflowName).sort()).toEqual(expected);
  });

  it('creates runs as pending publishes', async () => {
    const eventId = await publishEvent(server.url, 'support.ticket.created', 'org_c');
    const runs = await eventRuns(server.url, eventId);
    for (const run of runs) {
      expect(run.origin).toBe('publish');
      expect(run.eventId).toBe(eventId);
      expect(run.id).toMatch(/^run_[0-9a-hjkmnp-tv-z]{26}$/);
    }
  });
});
