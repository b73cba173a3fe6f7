import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliTestTimeoutMs, killRunningClis, runCli, startCli } from './run-cli';

let folder: string;

beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'cli-serve-test-'));
});

afterAll(async () => {
  await killRunningClis();
  rmSync(folder, { recursive: true, force: true });
});

/** Returns the URL from the server's "listening" log line. */
function listeningUrl(stdout: string): string | undefined {
  const line = stdout.split('\n').find((entry) => entry.includes('"msg":"event ledger listening"'));
  return line === undefined ? undefined : (JSON.parse(line) as { url: string }).url;
}

describe('events serve', { timeout: cliTestTimeoutMs }, () => {
  it('serves until SIGTERM then closes database', async () => {
    const databasePath = join(folder, 'sigterm', 'events.db');
    const serve = startCli(['serve', '--port', '0', '--database', databasePath]);
    await serve.waitFor((stdout) => listeningUrl(stdout) !== undefined);

    const ready = await fetch(`${listeningUrl(serve.stdout())}/readyz`);
    const exit = await serve.stop('SIGTERM');

    expect(ready.status).toBe(200);
    expect(exit).toEqual({ status: 0, signal: null });
    expect(serve.stdout()).toContain('"msg":"database closed; shutdown complete"');
    expect(existsSync(databasePath)).toBe(true);
  });

  it('stops cleanly on SIGINT', async () => {
    const serve = startCli(['serve', '--port', '0', '--database', join(folder, 'sigint', 'events.db')]);
    await serve.waitFor((stdout) => listeningUrl(stdout) !== undefined);

    const exit = await serve.stop('SIGINT');

    expect(exit).toEqual({ status: 0, signal: null });
    expect(serve.stdout()).toContain('"signal":"SIGINT"');
  });

  it('reads configuration from environment', async () => {
    const databasePath = join(folder, 'environment', 'events.db');
    const serve = startCli(['serve'], { env: { PORT: '0', DATABASE_PATH: databasePath, LOG_LEVEL: 'info' } });
    await serve.waitFor((stdout) => listeningUrl(stdout) !== undefined);

    const exit = await serve.stop('SIGTERM');

    expect(serve.stdout()).toContain(`"databasePath":${JSON.stringify(databasePath)}`);
    expect(exit.status).toBe(0);
  });

  it('rejects invalid port with status 2', async () => {
    const result = await runCli(['serve', '--port', 'http', '--database', join(folder, 'invalid', 'events.db')]);

    expect(result.status).toBe(2);
    expect(result.stderr).toBe('invalid configuration: PORT="http" must be an integer from 0 to 65535\n');
  });

  it('npm start entry still serves', async () => {
    const databasePath = join(folder, 'npm-start', 'events.db');
    const serve = startCli([], { env: { PORT: '0', DATABASE_PATH: databasePath }, entry: 'server/src/main.ts' });
    await serve.waitFor((stdout) => listeningUrl(stdout) !== undefined);

    const exit = await serve.stop('SIGTERM');

    expect(exit).toEqual({ status: 0, signal: null });
    expect(serve.stdout()).toContain('"msg":"database closed; shutdown complete"');
  });
});
