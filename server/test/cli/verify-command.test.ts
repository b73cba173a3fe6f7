import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventsClient } from '../../../client';
import type { Event } from '../../../contracts';
import { startTestServer, type TestServer } from '../support/start-test-server';
import { cliTestTimeoutMs, runCli } from './run-cli';

let server: TestServer;
let folder: string;
let events: Event[];

beforeAll(async () => {
  server = await startTestServer();
  folder = mkdtempSync(join(tmpdir(), 'cli-verify-test-'));
  const client = createEventsClient({ url: server.url });
  events = [];
  for (const orgId of ['org_verify_a', 'org_verify_b', 'org_verify_a']) {
    events.push(await client.publish({ type: 'cli.verify', actor: { type: 'user', id: 'usr_verify' }, payload: { orgId }, orgId }));
  }
});

afterAll(async () => {
  await server?.stop();
  if (folder !== undefined) rmSync(folder, { recursive: true, force: true });
});

/** Copies the live database and changes one payload, as an attacker editing the file would. */
function tamperedCopy(): string {
  const copy = join(folder, 'tampered.db');
  const source = new Database(server.databasePath, { readonly: true });
  source.exec(`VACUUM INTO '${copy.replaceAll("'", "''")}'`);
  source.close();
  const database = new Database(copy);
  database.exec('DROP TRIGGER ledger_events_no_update');
  database.prepare('UPDATE ledger_events SET payload = ? WHERE id = ?').run('{"orgId":"org_forged"}', events[1]!.id);
  database.close();
  return copy;
}

describe('events verify', { timeout: cliTestTimeoutMs }, () => {
  it('verifies database beside live server', async () => {
    const result = await runCli(['verify', '--database', server.databasePath]);

    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^ok: 3 events, 2 organisations, head [0-9a-f]{64}\n$/);
  });

  it('prints result as JSON', async () => {
    const result = await runCli(['verify', '--json', '--database', server.databasePath]);

    expect(result.status).toBe(0);
    const verified = JSON.parse(result.stdout) as { ok: boolean; events: number; organisations: number; heads: Record<string, string> };
    expect(verified.ok).toBe(true);
    expect(verified.events).toBe(3);
    expect(Object.keys(verified.heads).sort()).toEqual(['org_verify_a', 'org_verify_b']);
  });

  it('takes database from DATABASE_PATH', async () => {
    const result = await runCli(['verify'], { env: { DATABASE_PATH: server.databasePath } });

    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^ok: 3 events/);
  });

  it('reports broken chain with status 1', async () => {
    const result = await runCli(['verify', '--database', tamperedCopy()]);

    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(new RegExp(`^error: chain broken at seq 2, event ${events[1]!.id}, organisation org_verify_b: hash mismatch`));
  });

  it('reports missing database with status 2', async () => {
    const missing = join(folder, 'missing.db');

    const result = await runCli(['verify', '--database', missing]);

    expect(result.status).toBe(2);
    expect(result.stderr).toBe(`error: database file ${missing} does not exist; pass the path of an existing ledger database\n`);
  });

  it('reports foreign file with status 2', async () => {
    const foreign = join(folder, 'not-a-ledger.db');
    copyFileSync(new URL(import.meta.url), foreign);

    const result = await runCli(['verify', '--database', foreign]);

    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`error: ${foreign} is not an event ledger database`);
  });
});
