import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventsClient, type EventsClient } from '../../../client';
import type { Event } from '../../../contracts';
import { startTestServer, type TestServer } from '../support/start-test-server';
import { cliTestTimeoutMs, runCli } from './run-cli';

let server: TestServer;
let client: EventsClient;
/** Five events of one type, in ledger order, for the paging tests. */
let paged: Event[];
let single: Event;

beforeAll(async () => {
  server = await startTestServer();
  client = createEventsClient({ url: server.url });
  single = await client.publish({ type: 'cli.read.single', actor: { type: 'user', id: 'usr_reader', name: 'Ada' }, payload: { n: 0 }, orgId: 'org_cli_read' });
  paged = [];
  for (let n = 1; n <= 5; n++) {
    paged.push(await client.publish({ type: 'cli.read.paged', actor: { type: 'service', id: 'svc_pager' }, payload: { n }, orgId: 'org_cli_read' }));
  }
});

afterAll(async () => {
  await server?.stop();
});

function parseLines(stdout: string): unknown[] {
  return stdout
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as unknown);
}

describe('events get', { timeout: cliTestTimeoutMs }, () => {
  it('prints stored event as JSON', async () => {
    const result = await runCli(['get', single.id, '--url', server.url]);

    expect(result.status).toBe(0);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual(single);
  });

  it('prints one line with compact', async () => {
    const result = await runCli(['get', single.id, '--compact', '--url', server.url]);

    expect(result.status).toBe(0);
    expect(result.stdout).toBe(`${JSON.stringify(single)}\n`);
  });

  it('reports unknown id as NOT_FOUND', async () => {
    const result = await runCli(['get', 'evt_00000000000000000000000000', '--url', server.url]);

    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('error: NOT_FOUND: no event with id "evt_00000000000000000000000000"\n');
  });

  it('requires id argument', async () => {
    const result = await runCli(['get', '--url', server.url]);

    expect(result.status).toBe(1);
    expect(result.stderr).toContain("missing required argument 'id'");
  });
});

describe('events list', { timeout: cliTestTimeoutMs }, () => {
  it('prints table by default', async () => {
    const result = await runCli(['list', '--type', 'cli.read.paged', '--url', server.url]);

    expect(result.status).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+TIMESTAMP\s+TYPE\s+ORG\s+ACTOR$/);
    expect(lines).toHaveLength(1 + paged.length);
    for (const [index, event] of paged.entries()) {
      expect(lines[index + 1]!.split(/\s+/)).toEqual([event.id, event.timestamp, 'cli.read.paged', 'org_cli_read', 'service:svc_pager']);
    }
  });

  it('prints page as JSON', async () => {
    const result = await runCli(['list', '--type', 'cli.read.paged', '--json', '--url', server.url]);

    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ events: paged, nextCursor: null });
  });

  it('prints next cursor on stderr', async () => {
    const result = await runCli(['list', '--type', 'cli.read.paged', '--limit', '2', '--url', server.url]);

    expect(result.status).toBe(0);
    expect(result.stdout.trimEnd().split('\n')).toHaveLength(3);
    expect(result.stderr).toMatch(/^more events: continue with --cursor cx_\S+\n$/);
  });

  it('continues from cursor', async () => {
    const first = await runCli(['list', '--type', 'cli.read.paged', '--limit', '2', '--json', '--url', server.url]);
    const { nextCursor } = JSON.parse(first.stdout) as { nextCursor: string };

    const second = await runCli(['list', '--type', 'cli.read.paged', '--limit', '2', '--json', '--cursor', nextCursor, '--url', server.url]);

    expect(second.status).toBe(0);
    expect((JSON.parse(second.stdout) as { events: Event[] }).events).toEqual(paged.slice(2, 4));
  });

  it('streams all pages as NDJSON', async () => {
    const result = await runCli(['list', '--type', 'cli.read.paged', '--all', '--limit', '2', '--url', server.url]);

    expect(result.status).toBe(0);
    expect(result.stderr).toBe('');
    expect(parseLines(result.stdout)).toEqual(paged);
  });

  it('applies filters with all', async () => {
    const result = await runCli(['list', '--org', 'org_cli_read', '--actor', 'usr_reader', '--all', '--url', server.url]);

    expect(result.status).toBe(0);
    expect(parseLines(result.stdout)).toEqual([single]);
  });

  it('lists newest first with desc', async () => {
    const result = await runCli(['list', '--type', 'cli.read.paged', '--order', 'desc', '--all', '--url', server.url]);

    expect(result.status).toBe(0);
    expect(parseLines(result.stdout)).toEqual([...paged].reverse());
  });

  it('lists after given event', async () => {
    const result = await runCli(['list', '--type', 'cli.read.paged', '--after', paged[2]!.id, '--all', '--url', server.url]);

    expect(result.status).toBe(0);
    expect(parseLines(result.stdout)).toEqual(paged.slice(3));
  });

  it('reports no matching events', async () => {
    const result = await runCli(['list', '--type', 'cli.read.none', '--url', server.url]);

    expect(result.status).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('no events match\n');
  });

  it('rejects limit out of range', async () => {
    const result = await runCli(['list', '--limit', '9000', '--url', server.url]);

    expect(result.status).toBe(1);
    expect(result.stderr).toContain("option '--limit <count>' argument '9000' is invalid. expected an integer from 1 to 500.");
  });

  it('rejects unknown order', async () => {
    const result = await runCli(['list', '--order', 'sideways', '--url', server.url]);

    expect(result.status).toBe(1);
    expect(result.stderr).toContain('Allowed choices are asc, desc');
  });

  it('reports server validation error', async () => {
    const result = await runCli(['list', '--since', 'yesterday', '--url', server.url]);

    expect(result.status).toBe(1);
    expect(result.stderr).toBe('error: VALIDATION_FAILED: since must be an ISO 8601 date-time such as 2026-06-16T17:00:00.000Z, got "yesterday"\n');
  });
});
