import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventIdPattern, referenceRequestBody, timestampPattern, type ApiEvent } from '../support/api-helpers';
import { startTestServer, type TestServer } from '../support/start-test-server';
import { cliTestTimeoutMs, runCli } from './run-cli';

const reference = JSON.parse(referenceRequestBody) as Omit<ApiEvent, 'id' | 'timestamp'>;

let server: TestServer;
let folder: string;

beforeAll(async () => {
  server = await startTestServer();
  folder = mkdtempSync(join(tmpdir(), 'cli-publish-test-'));
});

afterAll(async () => {
  await server?.stop();
  if (folder !== undefined) rmSync(folder, { recursive: true, force: true });
});

function expectStoredReference(stdout: string): ApiEvent {
  const event = JSON.parse(stdout) as ApiEvent;
  expect(event.id).toMatch(eventIdPattern);
  expect(event.timestamp).toMatch(timestampPattern);
  expect({ type: event.type, actor: event.actor, payload: event.payload, orgId: event.orgId }).toEqual(reference);
  return event;
}

/** Returns a port that nothing listens on: the OS picked it, and the probe socket is closed again. */
async function closedPort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => probe.once('listening', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

describe('events publish', { timeout: cliTestTimeoutMs }, () => {
  it('publishes event from argument', async () => {
    const result = await runCli(['publish', referenceRequestBody, '--url', server.url]);

    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const event = expectStoredReference(result.stdout);
    expect(await server.store.getEvent(event.id)).toBeDefined();
  });

  it('publishes event from file', async () => {
    const file = join(folder, 'event.json');
    writeFileSync(file, referenceRequestBody);

    const result = await runCli(['publish', '--file', file, '--url', server.url]);

    expect(result.status).toBe(0);
    expectStoredReference(result.stdout);
  });

  it('publishes event from stdin', async () => {
    const result = await runCli(['publish', '--url', server.url], { input: referenceRequestBody });

    expect(result.status).toBe(0);
    expectStoredReference(result.stdout);
  });

  it('reads stdin for file dash', async () => {
    const result = await runCli(['publish', '-f', '-', '--url', server.url], { input: referenceRequestBody });

    expect(result.status).toBe(0);
    expectStoredReference(result.stdout);
  });

  it('takes server URL from EVENTS_URL', async () => {
    const result = await runCli(['publish', referenceRequestBody], { env: { EVENTS_URL: server.url } });

    expect(result.status).toBe(0);
    expectStoredReference(result.stdout);
  });

  it('prints one line with compact', async () => {
    const result = await runCli(['publish', '--compact', referenceRequestBody, '--url', server.url]);

    expect(result.status).toBe(0);
    expect(result.stdout.trimEnd().split('\n')).toHaveLength(1);
    expectStoredReference(result.stdout);
  });

  it('replays publish with idempotency key', async () => {
    const args = ['publish', referenceRequestBody, '--idempotency-key', 'cli-retry-1', '--url', server.url];

    const first = await runCli(args);
    const second = await runCli(args);

    expect(first.status).toBe(0);
    expect(second.status).toBe(0);
    const firstEvent = JSON.parse(first.stdout) as ApiEvent & { replayed?: boolean };
    const secondEvent = JSON.parse(second.stdout) as ApiEvent & { replayed?: boolean };
    expect(secondEvent.id).toBe(firstEvent.id);
    expect(firstEvent.replayed).toBeUndefined();
    expect(secondEvent.replayed).toBe(true);
  });
});

describe('events publish errors', { timeout: cliTestTimeoutMs }, () => {
  it('rejects argument and file together', async () => {
    const result = await runCli(['publish', referenceRequestBody, '--file', 'event.json', '--url', server.url]);

    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('error: the event was given both as an argument and with --file; pass only one of them\n');
  });

  it('reports invalid JSON argument', async () => {
    const result = await runCli(['publish', '{"type": ', '--url', server.url]);

    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^error: the event from the argument is not valid JSON: /);
  });

  it('reports missing event file', async () => {
    const missing = join(folder, 'missing.json');

    const result = await runCli(['publish', '--file', missing, '--url', server.url]);

    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`error: cannot read the event file ${missing}: ENOENT`);
  });

  it('reports empty stdin', async () => {
    const result = await runCli(['publish', '--url', server.url], { input: '' });

    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^error: the event from stdin is empty/);
  });

  it('reports validation failure per field', async () => {
    const result = await runCli(['publish', '{"type":"a.b","orgId":"org_1"}', '--url', server.url]);

    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^error: VALIDATION_FAILED: /);
    expect(result.stderr).toContain('actor');
    expect(result.stderr).toContain('payload: payload must be a JSON object');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('reports unreachable server', async () => {
    const port = await closedPort();

    const result = await runCli(['publish', referenceRequestBody, '--url', `http://127.0.0.1:${port}`]);

    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^error: NETWORK_ERROR: connect ECONNREFUSED 127\.0\.0\.1:\d+\. Check that the server runs/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('rejects URL without http', async () => {
    const result = await runCli(['publish', referenceRequestBody, '--url', 'ftp://127.0.0.1']);

    expect(result.status).toBe(1);
    expect(result.stderr).toContain("option '--url <url>' argument 'ftp://127.0.0.1' is invalid");
  });
});
