import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventsClient, type EventsClient } from '../../../client';
import type { Event } from '../../../contracts';
import { loadConfig } from '../../src/config/load-config';
import { startServer } from '../../src/start-server';
import { startTestServer, type TestServer } from '../support/start-test-server';
import { cliTestTimeoutMs, killRunningClis, runCli, startCli } from './run-cli';

let server: TestServer;
let client: EventsClient;

beforeAll(async () => {
  server = await startTestServer();
  client = createEventsClient({ url: server.url });
});

afterAll(async () => {
  await killRunningClis();
  await server?.stop();
});

function publish(type: string, n: number): Promise<Event> {
  return client.publish({ type, actor: { type: 'user', id: 'usr_tail' }, payload: { n }, orgId: 'org_cli_tail' });
}

function lineCount(stdout: string): number {
  return stdout === '' ? 0 : stdout.trimEnd().split('\n').length;
}

function parseLines(stdout: string): Event[] {
  return stdout
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as Event);
}

describe('events tail', { timeout: cliTestTimeoutMs }, () => {
  it('prints only events appended later', async () => {
    const type = 'cli.tail.new';
    const old = await publish(type, 0);
    const tail = startCli(['tail', '--type', type, '--json', '--interval', '100', '--url', server.url]);
    await tail.waitFor((_, stderr) => stderr.includes('following events'));

    const first = await publish(type, 1);
    await tail.waitFor((stdout) => lineCount(stdout) >= 1);
    const later = [await publish(type, 2), await publish(type, 3)];
    await tail.waitFor((stdout) => lineCount(stdout) >= 3);
    const exit = await tail.stop('SIGINT');

    expect(tail.stderr()).toBe(`following events after ${old.id}; press Ctrl-C to stop\n`);
    expect(parseLines(tail.stdout())).toEqual([first, ...later]);
    expect(exit).toEqual({ status: 0, signal: null });
  });

  it('resumes after given event', async () => {
    const type = 'cli.tail.resume';
    const seen = await publish(type, 0);
    const missed = [await publish(type, 1), await publish(type, 2)];
    const tail = startCli(['tail', '--type', type, '--after', seen.id, '--json', '--interval', '100', '--url', server.url]);

    await tail.waitFor((stdout) => lineCount(stdout) >= 2);
    const appended = await publish(type, 3);
    await tail.waitFor((stdout) => lineCount(stdout) >= 3);
    const exit = await tail.stop('SIGINT');

    expect(parseLines(tail.stdout())).toEqual([...missed, appended]);
    expect(exit.status).toBe(0);
  });

  it('starts at first event when none match', async () => {
    const type = 'cli.tail.empty';
    const tail = startCli(['tail', '--type', type, '--interval', '100', '--url', server.url]);
    await tail.waitFor((_, stderr) => stderr.includes('following events'));

    const event = await publish(type, 1);
    await tail.waitFor((stdout) => lineCount(stdout) >= 1);
    const exit = await tail.stop('SIGTERM');

    expect(tail.stderr()).toBe('following events from the first event; press Ctrl-C to stop\n');
    expect(tail.stdout()).toBe(`${event.id}  ${event.timestamp}  ${type}  org_cli_tail  user:usr_tail\n`);
    expect(exit).toEqual({ status: 0, signal: null });
  });

  it('reports unknown after event', async () => {
    const result = await runCli(['tail', '--after', 'evt_00000000000000000000000000', '--url', server.url]);

    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/error: VALIDATION_FAILED: after must be the id of an existing event/);
  });
});

describe('events tail across restart', { timeout: cliTestTimeoutMs }, () => {
  it('resumes after server restart', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'cli-tail-restart-'));
    const config = loadConfig({ PORT: '0', DATABASE_PATH: join(folder, 'events.db'), LOG_LEVEL: 'silent' });
    const logger = pino({ level: 'silent' });
    let running = await startServer(config, logger);
    const port = running.port;
    const url = running.url;
    const restartClient = createEventsClient({ url });
    const publishHere = (n: number) => restartClient.publish({ type: 'cli.tail.restart', actor: { type: 'user', id: 'usr_tail' }, payload: { n }, orgId: 'org_cli_tail' });
    const tail = startCli(['tail', '--json', '--interval', '100', '--url', url]);
    try {
      await tail.waitFor((_, stderr) => stderr.includes('following events'));
      const before = await publishHere(1);
      await tail.waitFor((stdout) => lineCount(stdout) >= 1);

      await running.close();
      await tail.waitFor((_, stderr) => stderr.includes('warning: NETWORK_ERROR'));
      running = await startServer({ ...config, port }, logger);
      const after = await publishHere(2);
      await tail.waitFor((stdout) => lineCount(stdout) >= 2);
      const exit = await tail.stop('SIGINT');

      expect(parseLines(tail.stdout())).toEqual([before, after]);
      expect(tail.stderr()).toContain('the server responds again; following events\n');
      expect(exit.status).toBe(0);
    } finally {
      await tail.stop('SIGKILL');
      await running.close();
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
