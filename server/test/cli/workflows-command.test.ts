import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventsClient, type EventsClient } from '../../../client';
import type { Run, Workflow } from '../../../contracts';
import { loadConfig } from '../../src/config/load-config';
import { startServer, type RunningServer } from '../../src/start-server';
import { cliTestTimeoutMs, runCli } from './run-cli';

let folder: string;
let server: RunningServer;
let receiver: Server;
let receiverUrl: string;
let client: EventsClient;

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'cli-workflows-test-'));
  // The receiver listens on 127.0.0.1, which the webhook address guard allows only with this setting.
  const config = loadConfig({ PORT: '0', DATABASE_PATH: join(folder, 'events.db'), LOG_LEVEL: 'silent', WEBHOOK_ALLOW_PRIVATE: 'true', WORKFLOW_POLL_INTERVAL_MS: '50' });
  server = await startServer(config, pino({ level: 'silent' }));
  client = createEventsClient({ url: server.url });
  receiver = createServer((request, response) => {
    request.resume();
    request.on('end', () => response.writeHead(204).end());
  });
  receiver.listen(0, '127.0.0.1');
  await once(receiver, 'listening');
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
});

afterAll(async () => {
  await server?.close();
  receiver?.close();
  if (folder !== undefined) rmSync(folder, { recursive: true, force: true });
});

async function createWorkflow(name: string, on: string): Promise<Workflow> {
  const result = await runCli(['workflows', 'create', '--name', name, '--on', on, '--webhook', receiverUrl, '--json', '--url', server.url]);
  expect(result.status, result.stderr).toBe(0);
  const { secret, ...workflow } = JSON.parse(result.stdout) as Workflow & { secret: string };
  expect(secret).toMatch(/^whsec_/);
  return workflow;
}

/** Polls until the workflow has `count` succeeded runs; gives up after 30 s. */
async function waitForSucceededRuns(workflowId: string, count: number): Promise<Run[]> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const page = await client.trpc.workflows.runs.query({ id: workflowId, status: 'succeeded' });
    if (page.runs.length >= count) return page.runs;
    if (Date.now() > deadline) throw new Error(`workflow ${workflowId} has ${page.runs.length} succeeded runs after 30 s, expected ${count}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('events workflows', { timeout: cliTestTimeoutMs }, () => {
  it('prints only secret on stdout', async () => {
    const result = await runCli(['workflows', 'create', '--name', 'secret-only', '--on', 'cli.secret', '--webhook', receiverUrl, '--url', server.url]);

    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^whsec_\S+\n$/);
    expect(result.stderr).toMatch(/^created wf_\w+ \(secret-only\) for events matching cli\.secret of every organisation, enabled\n/);
  });

  it('creates workflow with given settings', async () => {
    const args = ['--org', 'org_cli_wf', '--max-attempts', '3', '--initial-delay', '500', '--max-delay', '9000', '--disabled'];

    const result = await runCli(['workflows', 'create', '--name', 'settings', '--on', 'cli.settings.*', '--webhook', receiverUrl, ...args, '--json', '--url', server.url]);

    expect(result.status).toBe(0);
    const created = JSON.parse(result.stdout) as Workflow & { secret: string };
    expect(created.secret).toMatch(/^whsec_/);
    expect(created.orgId).toBe('org_cli_wf');
    expect(created.on).toBe('cli.settings.*');
    expect(created.webhook).toEqual({ url: receiverUrl });
    expect(created.retry).toEqual({ maxAttempts: 3, initialDelayMs: 500, maxDelayMs: 9000 });
    expect(created.enabled).toBe(false);
  });

  it('lists workflows as table and JSON', async () => {
    const workflow = await createWorkflow('listed', 'cli.listed');

    const table = await runCli(['workflows', 'list', '--url', server.url]);
    const json = await runCli(['workflows', 'list', '--json', '--url', server.url]);

    expect(table.status).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(/^ID\s+NAME\s+ON\s+ORG\s+ENABLED\s+SOURCE\s+WEBHOOK$/);
    const row = table.stdout.split('\n').find((line) => line.startsWith(workflow.id));
    expect(row?.split(/\s+/)).toEqual([workflow.id, 'listed', 'cli.listed', '*', 'yes', 'api', receiverUrl]);
    expect(json.status).toBe(0);
    expect((JSON.parse(json.stdout) as { workflows: Workflow[] }).workflows).toContainEqual(workflow);
  });

  it('disables and enables workflow', async () => {
    const workflow = await createWorkflow('toggled', 'cli.toggled');

    const disabled = await runCli(['workflows', 'disable', workflow.id, '--url', server.url]);
    const afterDisable = await client.trpc.workflows.get.query({ id: workflow.id });
    const enabled = await runCli(['workflows', 'enable', workflow.id, '--json', '--url', server.url]);

    expect(disabled.status).toBe(0);
    expect(disabled.stdout).toBe(`${workflow.id} (toggled) disabled\n`);
    expect(afterDisable.enabled).toBe(false);
    expect(enabled.status).toBe(0);
    expect((JSON.parse(enabled.stdout) as Workflow).enabled).toBe(true);
  });

  it('lists runs of workflow', async () => {
    const workflow = await createWorkflow('with-runs', 'cli.runs');
    for (let n = 0; n < 3; n++) await client.publish({ type: 'cli.runs', actor: { type: 'user', id: 'usr_runs' }, payload: { n }, orgId: 'org_cli_wf' });
    const runs = await waitForSucceededRuns(workflow.id, 3);

    const table = await runCli(['workflows', 'runs', workflow.id, '--url', server.url]);
    const all = await runCli(['workflows', 'runs', workflow.id, '--all', '--limit', '2', '--url', server.url]);
    const json = await runCli(['workflows', 'runs', workflow.id, '--status', 'dead', '--json', '--url', server.url]);

    expect(table.status).toBe(0);
    const rows = table.stdout.trimEnd().split('\n');
    expect(rows[0]).toMatch(/^RUN\s+EVENT\s+STATUS\s+ATTEMPTS\s+HTTP\s+CREATED\s+LAST ERROR$/);
    expect(rows.slice(1).map((row) => row.split(/\s+/).slice(0, 5))).toEqual(runs.map((run) => [run.id, run.eventId, 'succeeded', '1/8', '204']));
    expect(all.status).toBe(0);
    expect(all.stdout.trimEnd().split('\n').map((line) => (JSON.parse(line) as Run).id)).toEqual(runs.map((run) => run.id));
    expect(json.status).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({ runs: [], nextCursor: null });
  });

  it('reports duplicate name as CONFLICT', async () => {
    await createWorkflow('duplicate', 'cli.duplicate');

    const result = await runCli(['workflows', 'create', '--name', 'duplicate', '--on', 'cli.duplicate', '--webhook', receiverUrl, '--url', server.url]);

    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^error: CONFLICT: /);
  });

  it('reports invalid workflow id', async () => {
    const result = await runCli(['workflows', 'runs', 'wf_x', '--url', server.url]);

    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('error: VALIDATION_FAILED: id must be a workflow id such as wf_01jh..., got "wf_x"\n');
  });

  it('requires name option', async () => {
    const result = await runCli(['workflows', 'create', '--on', 'cli.missing', '--webhook', receiverUrl, '--url', server.url]);

    expect(result.status).toBe(1);
    expect(result.stderr).toContain("error: required option '--name <name>' not specified");
  });
});
