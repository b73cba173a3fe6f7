import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyLedgerFile } from '../../src/verify-ledger-file';
import { eventInput } from '../support/api-helpers';
import { spawnServerChild } from '../support/spawn-server-child';

const folder = mkdtempSync(join(tmpdir(), 'ledger-crash-'));
const databasePath = join(folder, 'events.db');
const children: ChildProcess[] = [];

afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  rmSync(folder, { recursive: true, force: true });
});

/** Starts the server as a child process on the shared database. */
async function startChild(): Promise<{ child: ChildProcess; url: string }> {
  const started = await spawnServerChild({ DATABASE_PATH: databasePath });
  children.push(started.child);
  return started;
}

// A killed process cannot show a missing fsync, because the page cache survives it. This test shows
// that no event is acknowledged before its transaction commits and that restart finds an intact chain.
describe('durability under a crash', () => {
  it('keeps every acknowledged event after SIGKILL during a publish load', async () => {
    const { child, url } = await startChild();
    const acknowledged: string[] = [];
    let stop = false;

    // 20 clients publish in a loop until the server dies under them.
    const client = async (clientIndex: number) => {
      for (let index = 0; !stop && index < 10_000; index++) {
        try {
          const response = await fetch(`${url}/events`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(eventInput('crash.test', `org_crash_${clientIndex % 3}`, { clientIndex, index })),
          });
          if (response.status !== 201) continue;
          const body = (await response.json()) as { data: { id: string } };
          acknowledged.push(body.data.id);
        } catch {
          return;
        }
      }
    };
    const clients = Array.from({ length: 20 }, (_, index) => client(index));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    child.kill('SIGKILL');
    stop = true;
    await Promise.all(clients);
    expect(acknowledged.length).toBeGreaterThan(50);

    const restarted = await startChild();
    try {
      const missing: string[] = [];
      for (const id of acknowledged) {
        const response = await fetch(`${restarted.url}/events/${id}`);
        if (response.status !== 200) missing.push(id);
      }
      expect(missing).toEqual([]);
    } finally {
      restarted.child.kill('SIGTERM');
      await new Promise((resolve) => restarted.child.once('exit', resolve));
    }

    const verified = await verifyLedgerFile(databasePath);
    expect(verified.ok).toBe(true);
    expect(verified.events).toBeGreaterThanOrEqual(acknowledged.length);
  });
});
