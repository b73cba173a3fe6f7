import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/start-test-server';
import { expectFailure, headers, publishBody, restPublish, send, successData } from './support/api-calls';

interface KeyJson {
  id: string;
  orgId: string;
  scopes: string[];
  key?: string;
  revokedAt: string | null;
}

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ auth: 'required' });
});

afterAll(async () => {
  await server.stop();
});

/** Runs `scripts/keys.ts` (what `npm run keys --` runs) on the live server's database file. */
function keys(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/keys.ts', ...args, '--database', server.databasePath], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('keys command beside a running server', () => {
  it('creates a key the server accepts at once', async () => {
    const created = await keys('create', '--org', 'org_cli');
    expect(created.code, created.stderr).toBe(0);
    const key = created.stdout.trim();
    expect(key).toMatch(/^sk_[A-Za-z0-9_-]{43}$/);
    expect(created.stderr).toContain('shown only this once');

    const response = await restPublish(server.url, publishBody('cli.key.used'), key);
    expect(response.status, response.text).toBe(201);
    expect(successData<{ orgId: string }>(response).orgId).toBe('org_cli');
  });

  it('lists keys without secrets', async () => {
    const created = await keys('create', '--org', 'org_cli_list', '--scopes', 'events:read', '--name', 'reporting', '--json');
    const key = JSON.parse(created.stdout) as KeyJson;
    const listed = await keys('list', '--org', 'org_cli_list');
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toContain(key.id);
    expect(listed.stdout).toContain('events:read');
    expect(listed.stdout).toContain('reporting');
    expect(listed.stdout).not.toContain(key.key!);
  });

  it('revokes a key the server then rejects', async () => {
    const created = JSON.parse((await keys('create', '--org', 'org_cli_revoke', '--json')).stdout) as KeyJson;
    expect((await send(server.url, '/events', { headers: headers(created.key) })).status).toBe(200);

    const revoked = await keys('revoke', created.id);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(revoked.stdout).toContain('revoked');

    expectFailure(await send(server.url, '/events', { headers: headers(created.key) }), 401, 'UNAUTHORIZED');
  });

  it('exits 1 with a message for an invalid org', async () => {
    const result = await keys('create', '--org', 'org with spaces');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('orgId must be');
  });

  it('exits 1 for an unknown key id', async () => {
    const result = await keys('revoke', 'key_missing');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('no API key with id');
  });
});

describe('two organisations from the README', () => {
  it('each see only their own events', async () => {
    const acme = (await keys('create', '--org', 'org_readme_acme')).stdout.trim();
    const beta = (await keys('create', '--org', 'org_readme_beta')).stdout.trim();
    await restPublish(server.url, publishBody('readme.acme.event'), acme);
    await restPublish(server.url, publishBody('readme.beta.event'), beta);

    const acmeEvents = successData<{ events: Array<{ orgId: string; type: string }> }>(await send(server.url, '/events?limit=500', { headers: headers(acme) })).events;
    const betaEvents = successData<{ events: Array<{ orgId: string; type: string }> }>(await send(server.url, '/events?limit=500', { headers: headers(beta) })).events;
    expect(acmeEvents.map((event) => event.type)).toEqual(['readme.acme.event']);
    expect(betaEvents.map((event) => event.type)).toEqual(['readme.beta.event']);
  });
});
