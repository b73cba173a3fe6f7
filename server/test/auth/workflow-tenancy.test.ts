import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultWorkflowSettings } from '../../src/workflows/workflow-settings';
import { startWebhookReceiver, type WebhookReceiver } from '../hostile/support/webhook-receiver';
import { startTestServer, type TestServer } from '../support/start-test-server';
import { expectFailure, headers, publishBody, restPublish, send, successData, trpcQuery, type ApiResponse } from './support/api-calls';
import { createKey } from './support/create-key';

interface Workflow {
  id: string;
  name: string;
  orgId: string | null;
}

interface Run {
  id: string;
  workflowId: string;
  eventId: string;
}

let server: TestServer;
let receiver: WebhookReceiver;
let acmeKey: string;
let betaKey: string;
let eventsOnlyKey: string;
let acmeWorkflow: Workflow;
let betaWorkflow: Workflow;

function createWorkflow(key: string, body: Record<string, unknown>): Promise<ApiResponse> {
  return send(server.url, '/workflows', { method: 'POST', headers: headers(key, { 'content-type': 'application/json' }), body: JSON.stringify(body) });
}

/** Polls the runs of an event until `count` exist or two seconds pass. */
async function eventRuns(eventId: string, key: string, count: number): Promise<Run[]> {
  let runs: Run[] = [];
  for (let attempt = 0; attempt < 40; attempt++) {
    runs = successData<{ runs: Run[] }>(await send(server.url, `/events/${eventId}/runs`, { headers: headers(key) })).runs;
    if (runs.length >= count) return runs;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return runs;
}

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  server = await startTestServer({ auth: 'required', workflows: { ...defaultWorkflowSettings, allowedNetworks: ['127.0.0.1/32'] } });
  acmeKey = (await createKey(server, 'org_wf_acme')).key;
  betaKey = (await createKey(server, 'org_wf_beta')).key;
  eventsOnlyKey = (await createKey(server, 'org_wf_acme', { scopes: ['events:read', 'events:write'] })).key;
  acmeWorkflow = successData<Workflow>(await createWorkflow(acmeKey, { name: 'notify', on: 'wf.>', webhook: { url: receiver.url } }));
  betaWorkflow = successData<Workflow>(await createWorkflow(betaKey, { name: 'notify', on: 'wf.>', webhook: { url: receiver.url } }));
});

afterAll(async () => {
  await server.stop();
  await receiver.close();
});

describe('workflows with a key', () => {
  it("belong to the key's organisation", () => {
    expect(acmeWorkflow.orgId).toBe('org_wf_acme');
    expect(betaWorkflow.orgId).toBe('org_wf_beta');
  });

  it('are listed for their organisation only', async () => {
    const acme = successData<{ workflows: Workflow[] }>(await send(server.url, '/workflows', { headers: headers(acmeKey) })).workflows;
    const beta = successData<{ workflows: Workflow[] }>(await trpcQuery(server.url, 'workflows.list', '{}', betaKey)).workflows;
    expect(acme.map((workflow) => workflow.id)).toEqual([acmeWorkflow.id]);
    expect(beta.map((workflow) => workflow.id)).toEqual([betaWorkflow.id]);
  });

  it("reject another organisation's orgId", async () => {
    const response = await createWorkflow(acmeKey, { name: 'foreign', on: 'wf.>', orgId: 'org_wf_beta', webhook: { url: receiver.url } });
    expectFailure(response, 403, 'FORBIDDEN');
  });

  it("answer 404 for another organisation's workflow", async () => {
    const path = `/workflows/${betaWorkflow.id}`;
    expectFailure(await send(server.url, path, { headers: headers(acmeKey) }), 404, 'NOT_FOUND');
    expectFailure(await trpcQuery(server.url, 'workflows.get', JSON.stringify({ id: betaWorkflow.id }), acmeKey), 404, 'NOT_FOUND');
    const patch = await send(server.url, path, { method: 'PATCH', headers: headers(acmeKey, { 'content-type': 'application/json' }), body: '{"enabled":false}' });
    expectFailure(patch, 404, 'NOT_FOUND');
    expectFailure(await send(server.url, `${path}/rotate-secret`, { method: 'POST', headers: headers(acmeKey) }), 404, 'NOT_FOUND');
    expectFailure(await send(server.url, `${path}/runs`, { headers: headers(acmeKey) }), 404, 'NOT_FOUND');
    expectFailure(await send(server.url, path, { method: 'DELETE', headers: headers(acmeKey) }), 404, 'NOT_FOUND');
  });

  it('keep a foreign delete from deleting', async () => {
    await send(server.url, `/workflows/${betaWorkflow.id}`, { method: 'DELETE', headers: headers(acmeKey) });
    const response = await send(server.url, `/workflows/${betaWorkflow.id}`, { headers: headers(betaKey) });
    expect(response.status).toBe(200);
  });

  it('need the workflows:manage scope', async () => {
    const list = await send(server.url, '/workflows', { headers: headers(eventsOnlyKey) });
    const failure = expectFailure(list, 403, 'FORBIDDEN');
    expect(failure.message).toContain('workflows:manage');
    const create = await createWorkflow(eventsOnlyKey, { name: 'denied', on: 'wf.>', webhook: { url: receiver.url } });
    expectFailure(create, 403, 'FORBIDDEN');
  });
});

describe('runs with a key', () => {
  let acmeEventId: string;
  let acmeRuns: Run[];

  beforeAll(async () => {
    acmeEventId = successData<{ id: string }>(await restPublish(server.url, publishBody('wf.ticket.created'), acmeKey)).id;
    acmeRuns = await eventRuns(acmeEventId, acmeKey, 1);
  });

  it("come only from the event's organisation", async () => {
    expect(acmeRuns.map((run) => run.workflowId)).toEqual([acmeWorkflow.id]);
    const betaRuns = successData<{ runs: Run[] }>(await send(server.url, `/workflows/${betaWorkflow.id}/runs`, { headers: headers(betaKey) })).runs;
    expect(betaRuns.map((run) => run.eventId)).not.toContain(acmeEventId);
  });

  it("answer 404 for another organisation's event runs", async () => {
    expectFailure(await send(server.url, `/events/${acmeEventId}/runs`, { headers: headers(betaKey) }), 404, 'NOT_FOUND');
    expectFailure(await trpcQuery(server.url, 'events.runs', JSON.stringify({ id: acmeEventId }), betaKey), 404, 'NOT_FOUND');
  });

  it("answer 404 for another organisation's run", async () => {
    const runId = acmeRuns[0]!.id;
    expect((await send(server.url, `/runs/${runId}`, { headers: headers(acmeKey) })).status).toBe(200);
    expectFailure(await send(server.url, `/runs/${runId}`, { headers: headers(betaKey) }), 404, 'NOT_FOUND');
    expectFailure(await trpcQuery(server.url, 'runs.get', JSON.stringify({ id: runId }), betaKey), 404, 'NOT_FOUND');
    expectFailure(await send(server.url, `/runs/${runId}/retry`, { method: 'POST', headers: headers(betaKey) }), 404, 'NOT_FOUND');
  });

  it("reject replaying another organisation's event", async () => {
    const response = await send(server.url, `/events/${acmeEventId}/replay`, { method: 'POST', headers: headers(betaKey) });
    expectFailure(response, 404, 'NOT_FOUND');
  });
});

describe('webhook targets by AUTH', () => {
  it('reject loopback with auth required', async () => {
    const guarded = await startTestServer({ auth: 'required' });
    try {
      const { key } = await createKey(guarded, 'org_wf_guard');
      const body = JSON.stringify({ name: 'local', on: 'wf.>', webhook: { url: 'http://127.0.0.1:9/hook' } });
      const response = await send(guarded.url, '/workflows', { method: 'POST', headers: headers(key, { 'content-type': 'application/json' }), body });
      const failure = expectFailure(response, 400, 'VALIDATION_FAILED');
      expect(failure.message).toContain('webhook.url');
    } finally {
      await guarded.stop();
    }
  });

  it('allow loopback with auth off', async () => {
    const open = await startTestServer();
    try {
      const body = JSON.stringify({ name: 'local', on: 'never.published', orgId: 'org_wf_dev', webhook: { url: 'http://127.0.0.1:9/hook' } });
      const response = await send(open.url, '/workflows', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect(response.status, response.text).toBe(201);
    } finally {
      await open.stop();
    }
  });
});
