import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Workflow } from '../../../contracts';
import { generateWebhookSecret } from '../../src/workflows/webhook-signature';
import { createAddressGuard } from '../../src/workflows/address-guard';
import { readWorkflowsFile, WorkflowsFileError } from '../../src/workflows/workflows-file';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver';
import { call, createWorkflow, eventRuns, publishEvent } from './support/workflow-api';
import { startWorkflowServer } from './support/workflow-server';
import { waitUntil } from './support/wait-until';

let receiver: WebhookReceiver;
let folder: string;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  folder = mkdtempSync(join(tmpdir(), 'workflows-file-'));
});

afterAll(async () => {
  await receiver?.close();
  rmSync(folder, { recursive: true, force: true });
});

function writeFile(name: string, content: unknown): string {
  const path = join(folder, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

async function workflowsOf(url: string): Promise<Workflow[]> {
  return (await call<{ workflows: Workflow[] }>(url, 'GET', '/workflows')).data.workflows;
}

describe('WORKFLOWS_FILE', () => {
  it('applies the file by name', async () => {
    const secret = generateWebhookSecret();
    const file = writeFile('first.json', {
      workflows: [
        { name: 'from-file', on: 'file.*', webhook: { url: `${receiver.origin}/file`, secret }, retry: { maxAttempts: 3, initialDelayMs: 5, maxDelayMs: 20 } },
        { name: 'removed-later', on: 'file.other', orgId: 'org_a', webhook: { url: `${receiver.origin}/other` }, enabled: false },
      ],
    });
    const server = await startWorkflowServer({ settings: { file } });
    try {
      const stored = await workflowsOf(server.url);
      expect(stored.map((workflow) => [workflow.name, workflow.source, workflow.enabled])).toEqual([
        ['from-file', 'config', true],
        ['removed-later', 'config', false],
      ]);

      const eventId = await publishEvent(server.url, 'file.created', 'org_a');
      await waitUntil(async () => (await eventRuns(server.url, eventId))[0]?.status === 'succeeded', 'the file workflow delivered');
      const delivery = receiver.deliveries.find((entry) => entry.path === '/file')!;
      expect(() => new Webhook(secret).verify(delivery.body, delivery.headers as Record<string, string>)).not.toThrow();

      await server.stop();
      const changed = writeFile('second.json', { workflows: [{ name: 'from-file', on: 'file.changed', webhook: { url: `${receiver.origin}/file` } }] });
      const restarted = await server.restart({ settings: { file: changed } });
      try {
        const after = await workflowsOf(restarted.url);
        expect(after.map((workflow) => [workflow.name, workflow.on])).toEqual([['from-file', 'file.changed']]);
        expect(after[0]!.id).toBe(stored[0]!.id);
        expect(after[0]!.retry).toEqual({ maxAttempts: 8, initialDelayMs: 1000, maxDelayMs: 300000 });
      } finally {
        await restarted.stop();
      }
    } finally {
      server.remove();
    }
  });

  it.each([
    ['not JSON', '{"workflows": [', 'is not valid JSON'],
    ['bad pattern', { workflows: [{ name: 'x', on: 'a.>.b', webhook: { url: 'http://127.0.0.1:9/x' } }] }, 'workflows[0].on'],
    ['bad URL', { workflows: [{ name: 'x', on: 'a', webhook: { url: 'ftp://127.0.0.1/x' } }] }, 'workflows[0].webhook.url'],
    ['bad secret', { workflows: [{ name: 'x', on: 'a', webhook: { url: 'http://127.0.0.1:9/x', secret: 'hunter2' } }] }, 'workflows[0].webhook.secret'],
    ['bad retry', { workflows: [{ name: 'x', on: 'a', webhook: { url: 'http://127.0.0.1:9/x' }, retry: { initialDelayMs: 9, maxDelayMs: 1 } }] }, 'workflows[0].retry.maxDelayMs'],
    ['duplicate name', { workflows: [{ name: 'x', on: 'a', webhook: { url: 'http://127.0.0.1:9/x' } }, { name: 'x', on: 'b', webhook: { url: 'http://127.0.0.1:9/y' } }] }, 'workflows[1].name'],
    ['wrong shape', { hooks: [] }, 'the file has unknown fields ["hooks"]'],
    ['missing list', {}, 'workflows must be an array'],
  ])('rejects %s', (_case, content, expected) => {
    const file = writeFile('invalid.json', content);
    const guard = createAddressGuard({ allow: [], allowPrivate: true });

    expect(() => readWorkflowsFile(file, guard)).toThrow(WorkflowsFileError);
    expect(() => readWorkflowsFile(file, guard)).toThrow(`WORKFLOWS_FILE ${file}`);
    expect(() => readWorkflowsFile(file, guard)).toThrow(expected);
  });

  it('rejects missing file', () => {
    const guard = createAddressGuard({ allow: [], allowPrivate: true });
    expect(() => readWorkflowsFile(join(folder, 'missing.json'), guard)).toThrow('cannot be read');
  });

  it('rejects blocked IP literal', () => {
    const file = writeFile('blocked.json', { workflows: [{ name: 'x', on: 'a', webhook: { url: 'http://127.0.0.1:9/x' } }] });
    const guard = createAddressGuard({ allow: [], allowPrivate: false });
    expect(() => readWorkflowsFile(file, guard)).toThrow('workflows[0].webhook.url is not allowed');
  });

  it('keeps the server from starting', async () => {
    const file = writeFile('invalid-start.json', { workflows: [{ name: 'x', on: 'a.>.b', webhook: { url: 'http://127.0.0.1:9/x' } }] });
    const failure = await startWorkflowServer({ settings: { file } }).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(WorkflowsFileError);
    expect((failure as Error).message).toContain('workflows[0].on');
  });

  it('rejects name used by API workflow', async () => {
    const server = await startWorkflowServer();
    const created = await createWorkflow(server.url, { name: 'taken', on: 'a', webhook: { url: `${receiver.origin}/x` } });
    await server.stop();
    const file = writeFile('taken.json', { workflows: [{ name: 'taken', on: 'a', webhook: { url: `${receiver.origin}/x` } }] });
    try {
      const failure = await server.restart({ settings: { file } }).catch((error: unknown) => error);
      expect((failure as Error).message).toContain(`already used by workflow ${created.id}, created through the API`);
    } finally {
      server.remove();
    }
  });

  it('stops the server process', async () => {
    const file = writeFile('fatal.json', { workflows: [{ name: 'x', on: '', webhook: { url: 'http://127.0.0.1:9/x' } }] });
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
      env: { ...process.env, DATABASE_PATH: join(folder, 'fatal.db'), PORT: '0', HOST: '127.0.0.1', AUTH: 'off', WORKFLOWS_FILE: file },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));

    expect(code).toBe(1);
    expect(output).toContain('workflows[0].on');
    expect(output).not.toContain('event ledger listening');
  });
});
