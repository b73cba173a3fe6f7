import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatedWorkflow, Run, Workflow } from '../../../contracts';
import { createKey } from '../auth/support/create-key';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver';
import { call } from './support/workflow-api';
import { startWorkflowServer, type WorkflowTestServer } from './support/workflow-server';

let server: WorkflowTestServer;
let receiver: WebhookReceiver;
let acmeKey: string;
let betaKey: string;
let readOnlyKey: string;
let acmeWorkflow: CreatedWorkflow;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  // API keys forbid private addresses by default, so the loopback receiver is listed explicitly.
  server = await startWorkflowServer({ config: { auth: 'required' }, settings: { allowedNetworks: ['127.0.0.1/32'] } });
  acmeKey = (await createKey(server, 'org_acme')).key;
  betaKey = (await createKey(server, 'org_beta')).key;
  readOnlyKey = (await createKey(server, 'org_acme', { scopes: ['events:read', 'events:write'] })).key;
  const created = await call<CreatedWorkflow>(server.url, 'POST', '/workflows', { name: 'acme-hook', on: 'tenancy.*', webhook: { url: `${receiver.origin}/acme` } }, acmeKey);
  expect(created.status).toBe(201);
  acmeWorkflow = created.data;
});

afterAll(async () => {
  await server?.stop();
  server?.remove();
  await receiver?.close();
});

async function publishWith(key: string): Promise<string> {
  const response = await call<{ id: string }>(server.url, 'POST', '/events', { type: 'tenancy.created', actor: { type: 'user', id: 'usr_1' }, payload: {} }, key);
  expect(response.status).toBe(201);
  return response.data.id;
}

describe('workflows with API keys', () => {
  it("belongs to the key's organisation", () => {
    expect(acmeWorkflow.orgId).toBe('org_acme');
  });

  it('rejects another orgId', async () => {
    const response = await call(server.url, 'POST', '/workflows', { name: 'x', on: 'a', orgId: 'org_beta', webhook: { url: `${receiver.origin}/x` } }, acmeKey);
    expect(response.status).toBe(403);
  });

  it("runs for its organisation's events only", async () => {
    const acmeRuns = await call<{ runs: Run[] }>(server.url, 'GET', `/events/${await publishWith(acmeKey)}/runs`, undefined, acmeKey);
    const betaRuns = await call<{ runs: Run[] }>(server.url, 'GET', `/events/${await publishWith(betaKey)}/runs`, undefined, betaKey);

    expect(acmeRuns.data.runs.map((run) => run.workflowId)).toEqual([acmeWorkflow.id]);
    expect(betaRuns.data.runs).toEqual([]);
  });

  it('hides workflows of other organisations', async () => {
    const list = await call<{ workflows: Workflow[] }>(server.url, 'GET', '/workflows', undefined, betaKey);

    expect(list.data.workflows).toEqual([]);
    expect((await call(server.url, 'GET', `/workflows/${acmeWorkflow.id}`, undefined, betaKey)).status).toBe(404);
    expect((await call(server.url, 'DELETE', `/workflows/${acmeWorkflow.id}`, undefined, betaKey)).status).toBe(404);
    expect((await call(server.url, 'GET', `/workflows?orgId=org_acme`, undefined, betaKey)).status).toBe(403);
    expect((await call(server.url, 'GET', `/events/${await publishWith(acmeKey)}/runs`, undefined, betaKey)).status).toBe(404);
  });

  it('needs the workflows:manage scope', async () => {
    const response = await call(server.url, 'GET', '/workflows', undefined, readOnlyKey);
    expect(response.status).toBe(403);
    expect(response.error?.message).toContain('workflows:manage');
  });

  it('rejects private addresses by default', async () => {
    const strict = await startWorkflowServer({ config: { auth: 'required' } });
    try {
      const key = (await createKey(strict, 'org_acme')).key;
      const response = await call(strict.url, 'POST', '/workflows', { name: 'x', on: 'a', webhook: { url: `${receiver.origin}/x` } }, key);
      expect(response.status).toBe(400);
      expect(response.error?.details?.map((detail) => detail.field)).toEqual(['webhook.url']);
    } finally {
      await strict.stop();
      strict.remove();
    }
  });
});
