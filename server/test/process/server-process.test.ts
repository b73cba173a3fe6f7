import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyLedgerFile } from '../../src/verify-ledger-file';
import { publish, referenceRequestBody } from '../support/api-helpers';
import { repositoryRoot } from '../support/ledger-files';
import { startTestServer, type TestServer } from '../support/start-test-server';

describe('health checks', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
  });

  afterAll(async () => {
    await server.stop();
  });

  it('/healthz answers 200', async () => {
    const response = await request(server.url).get('/healthz');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ success: true, data: { status: 'ok' } });
  });

  it('/readyz answers 200 once started', async () => {
    const response = await request(server.url).get('/readyz');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ success: true, data: { status: 'ready' } });
  });
});

/** Log lines of a child server, parsed as pino JSON. */
type LogLine = { msg?: string; url?: string; level?: number };

/** Ways to run the server: from the TypeScript sources, and from the bundle `npm start` runs. */
const entries = [
  { name: 'from the sources', args: ['--import', 'tsx', 'server/src/main.ts'] },
  { name: 'from the npm start bundle', args: ['dist/server/main.mjs'] },
];

/** Starts the server as its own process, so signals reach the server itself. */
function spawnServer(args: string[], databasePath: string): { child: ChildProcess; lines: LogLine[]; listening: Promise<string> } {
  const child = spawn(process.execPath, args, {
    cwd: repositoryRoot,
    env: { ...process.env, DATABASE_PATH: databasePath, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: LogLine[] = [];
  const listening = new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (text) => {
      const line = JSON.parse(text) as LogLine;
      lines.push(line);
      if (line.msg === 'event ledger listening' && line.url !== undefined) resolve(line.url);
    });
    child.once('exit', (code) => reject(new Error(`the server exited with code ${code} before listening`)));
  });
  return { child, lines, listening };
}

function exitCode(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

describe.each(entries)('server process $name', ({ args }) => {
  let folder: string;
  let databasePath: string;
  let lines: LogLine[];
  let code: number | null;
  let readyBeforeStop: number;

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'server-process-test-'));
    databasePath = join(folder, 'events.db');
    if (args[0] === 'dist/server/main.mjs') {
      execFileSync(process.execPath, ['--import', 'tsx', 'scripts/build-server.ts'], { cwd: repositoryRoot });
    }
    const server = spawnServer(args, databasePath);
    lines = server.lines;
    try {
      const url = await server.listening;
      readyBeforeStop = (await request(url).get('/readyz')).status;
      await publish(url, JSON.parse(referenceRequestBody));
      await publish(url, JSON.parse(referenceRequestBody));
      server.child.kill('SIGTERM');
      code = await exitCode(server.child);
    } finally {
      if (server.child.exitCode === null) server.child.kill('SIGKILL');
    }
  }, 60_000);

  afterAll(() => {
    rmSync(folder, { recursive: true, force: true });
  });

  it('is ready before the signal', () => {
    expect(readyBeforeStop).toBe(200);
  });

  it('exits 0 on SIGTERM', () => {
    expect(code).toBe(0);
  });

  it('logs the signal and the closed database', () => {
    const messages = lines.map((line) => line.msg);
    expect(messages).toContain('stop signal received');
    expect(messages).toContain('database closed; shutdown complete');
  });

  it('leaves no write-ahead log behind', () => {
    expect(existsSync(`${databasePath}-wal`)).toBe(false);
  });

  it('leaves a database that verifies', async () => {
    const result = await verifyLedgerFile(databasePath);
    expect(result).toMatchObject({ ok: true, events: 2, organisations: 1 });
  });

  it('reopens with the events it acknowledged', async () => {
    const server = await startTestServer({ databasePath });
    try {
      const response = await request(server.url).get('/events').query({ orgId: 'org_acme_123' });
      expect(response.body.data.events).toHaveLength(2);
    } finally {
      await server.stop();
    }
  });
});
