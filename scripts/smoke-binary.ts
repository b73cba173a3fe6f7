/**
 * Smoke test of the single executable, run the way a new user would run it. It copies the
 * executable into an empty temporary folder and starts `./events serve` there with an empty
 * environment apart from PORT. Then it publishes the API reference's example event, reads it back
 * with `get` and `list`, runs `verify` and fetches the `/docs` page and its script. It stops the
 * server with SIGTERM and checks that it exits with status 0 after logging that the database
 * closed. Last, it starts the server again on the same database and checks that a webhook
 * workflow created with the CLI delivers a published event.
 *
 * Usage: node --import tsx scripts/smoke-binary.ts [executable]   (default: dist/events)
 */
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

/** The example request body of `POST /events` in the API reference. */
export const exampleEvent = {
  type: 'support.ticket.created',
  actor: { type: 'user', id: 'usr_human_4455', name: 'Jane Doe' },
  payload: { ticketId: 'TCK-101', title: 'Unable to modify team role settings', priority: 'high' },
  orgId: 'org_acme_123',
};

/** Log line that the server writes after it closed the database on shutdown. */
const databaseClosedMessage = 'database closed; shutdown complete';
const startTimeoutMs = 30_000;
const commandTimeoutMs = 30_000;
const stopTimeoutMs = 30_000;
const deliveryTimeoutMs = 30_000;

const runFile = promisify(execFile);

/**
 * Runs the smoke test against `executable`; throws an AssertionError or Error naming the step that
 * failed. The temporary folder is removed on success and kept on failure for inspection.
 */
export async function smokeBinary(executable: string, log: (line: string) => void = () => {}): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), 'events-smoke-'));
  copyFileSync(executable, join(folder, 'events'));
  try {
    await withServer(folder, {}, log, async (url) => {
      await checkClientCommands(folder, url, log);
      await checkDocsPage(url, log);
    });
    assert.ok(existsSync(join(folder, 'data', 'events.db')), 'the server created data/events.db, its default database, in the empty folder');
    // The second start reopens the same database. The receiver listens on 127.0.0.1, which the
    // webhook address guard allows only with WEBHOOK_ALLOW_PRIVATE.
    await withServer(folder, { WEBHOOK_ALLOW_PRIVATE: 'true' }, log, (url) => checkWorkflowDelivery(folder, url, log));
  } catch (error) {
    log(`smoke test failed; its folder ${folder} is kept for inspection`);
    throw error;
  }
  rmSync(folder, { recursive: true, force: true });
  log('smoke test passed');
}

/**
 * Starts `./events serve` in `folder` on a free port with only PORT and `env` set, runs `steps`
 * against it, then stops it with SIGTERM and checks for a clean exit.
 */
async function withServer(folder: string, env: Record<string, string>, log: (line: string) => void, steps: (url: string) => Promise<void>): Promise<void> {
  const port = await findFreePort();
  const url = `http://127.0.0.1:${port}`;
  log(`starting ./events serve in ${folder} on port ${port}`);
  const server = spawn('./events', ['serve'], { cwd: folder, env: { PORT: String(port), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = collectOutput(server);
  try {
    await waitForReady(server, output, url);
    await steps(url);
    await stopServer(server, output);
  } catch (error) {
    if (server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
    log(`output of ./events serve:\n${output.text()}`);
    throw error;
  }
}

/** Publishes the example, reads it back with `get` and `list`, and verifies the chain. */
async function checkClientCommands(folder: string, url: string, log: (line: string) => void): Promise<void> {
  const published = JSON.parse(await runEvents(folder, ['publish', JSON.stringify(exampleEvent), '--url', url])) as Record<string, unknown>;
  assert.match(String(published['id']), /^evt_[0-9a-z]{26}$/, 'publish prints the stored event with its id');
  assert.deepEqual({ ...published, id: undefined, timestamp: undefined }, { ...exampleEvent, id: undefined, timestamp: undefined }, 'publish stores the event as sent');
  log(`published ${String(published['id'])}`);

  const fetched = JSON.parse(await runEvents(folder, ['get', String(published['id']), '--url', url])) as unknown;
  assert.deepEqual(fetched, published, 'get returns the published event');

  const page = JSON.parse(await runEvents(folder, ['list', '--json', '--url', url])) as { events: unknown[]; nextCursor: string | null };
  assert.deepEqual(page, { events: [published], nextCursor: null }, 'list --json returns the published event only');
  const table = await runEvents(folder, ['list', '--url', url]);
  assert.ok(table.includes(String(published['id'])), `the list table shows the event id, got:\n${table}`);

  const verified = JSON.parse(await runEvents(folder, ['verify', '--json'])) as { ok: boolean; events: number };
  assert.equal(verified.ok, true, 'verify finds an unbroken chain');
  assert.equal(verified.events, 1, 'verify checks the one published event');
  log('get, list and verify passed');
}

/** Fetches the API reference page and the viewer script that the executable embeds as an asset. */
async function checkDocsPage(url: string, log: (line: string) => void): Promise<void> {
  const page = await fetch(`${url}/docs`);
  assert.equal(page.status, 200, 'GET /docs returns 200');
  assert.match(await page.text(), /<html/i, 'GET /docs returns an HTML page');
  const script = await fetch(`${url}/docs/scalar.js`);
  assert.equal(script.status, 200, 'GET /docs/scalar.js returns 200, so the viewer asset is embedded');
  assert.ok((await script.text()).length > 100_000, 'GET /docs/scalar.js returns the whole viewer bundle');
  log('docs page and viewer script served');
}

/**
 * Creates a webhook workflow with the CLI, publishes a matching event and waits for the signed
 * delivery, which shows that the writer thread's workflow hook and the dispatcher both run inside
 * the executable.
 */
async function checkWorkflowDelivery(folder: string, url: string, log: (line: string) => void): Promise<void> {
  const receiver = await startReceiver();
  try {
    await runEvents(folder, ['workflows', 'create', '--name', 'smoke', '--on', 'support.>', '--webhook', receiver.url, '--url', url]);
    const published = JSON.parse(await runEvents(folder, ['publish', JSON.stringify(exampleEvent), '--url', url])) as { id: string };
    const delivery = await withTimeout(receiver.firstRequest, deliveryTimeoutMs, `no webhook delivery arrived within ${deliveryTimeoutMs} ms`);
    assert.ok(delivery.body.includes(published.id), 'the webhook delivery contains the published event');
    assert.match(delivery.signature ?? '', /^v1,/, 'the webhook delivery carries a Standard Webhooks signature');

    const verified = JSON.parse(await runEvents(folder, ['verify', '--json'])) as { ok: boolean; events: number };
    assert.deepEqual([verified.ok, verified.events], [true, 2], 'verify finds both events after the restart');
  } finally {
    receiver.server.close();
  }
  log('workflow delivered the event to the webhook receiver');
}

interface Receiver {
  server: Server;
  url: string;
  firstRequest: Promise<{ body: string; signature: string | undefined }>;
}

/** Starts an HTTP server on 127.0.0.1 that responds with 204 and records the first request. */
async function startReceiver(): Promise<Receiver> {
  let record: (request: { body: string; signature: string | undefined }) => void = () => {};
  const firstRequest = new Promise<{ body: string; signature: string | undefined }>((resolve) => (record = resolve));
  const server = createHttpServer((request, response) => {
    let body = '';
    request.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      record({ body, signature: request.headers['webhook-signature'] as string | undefined });
      response.writeHead(204).end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${address.port}/hook`, firstRequest };
}

/** Runs `./events` in `folder` with an empty environment and returns its stdout. */
async function runEvents(folder: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await runFile('./events', args, { cwd: folder, env: {}, timeout: commandTimeoutMs });
    return stdout;
  } catch (error) {
    const failed = error as Error & { stderr?: string; code?: number | string };
    throw new Error(`./events ${args[0]} failed with exit status ${String(failed.code)}: ${failed.stderr ?? failed.message}`, { cause: error });
  }
}

/**
 * Asks the OS for a free port by listening on port 0. Another process could take the port before
 * the server binds it; the server then fails to start, and the test reports it.
 */
async function findFreePort(): Promise<number> {
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const address = probe.address();
  probe.close();
  await once(probe, 'close');
  if (address === null || typeof address === 'string') throw new Error('could not read the port of the probe socket');
  return address.port;
}

interface CollectedOutput {
  text(): string;
}

function collectOutput(child: ChildProcess): CollectedOutput {
  const chunks: string[] = [];
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => chunks.push(chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => chunks.push(chunk));
  return { text: () => chunks.join('') };
}

/** Waits for the "listening" log line, then for `/readyz` to return 200. */
async function waitForReady(server: ChildProcess, output: CollectedOutput, url: string): Promise<void> {
  const deadline = Date.now() + startTimeoutMs;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`./events serve exited with status ${server.exitCode} before it was ready`);
    if (output.text().includes(`"url":"${url}"`) && (await isReady(url))) return;
    await sleep(100);
  }
  throw new Error(`./events serve was not ready at ${url} after ${startTimeoutMs} ms`);
}

async function isReady(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/readyz`);
    return response.status === 200;
  } catch {
    return false;
  }
}

/** Sends SIGTERM and checks for a clean exit: status 0 and the "database closed" log line. */
async function stopServer(server: ChildProcess, output: CollectedOutput): Promise<void> {
  const exited = once(server, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  server.kill('SIGTERM');
  const [code, signal] = await withTimeout(exited, stopTimeoutMs, `./events serve did not exit within ${stopTimeoutMs} ms of SIGTERM`);
  assert.equal(signal, null, 'the server exits by itself after SIGTERM instead of being killed by it');
  assert.equal(code, 0, 'the server exits with status 0 after SIGTERM');
  assert.ok(output.text().includes(databaseClosedMessage), `the server logs "${databaseClosedMessage}" before it exits`);
}

/** Resolves as `promise` does, or rejects with `message` after `ms`; the timer never outlives it. */
async function withTimeout<Value>(promise: Promise<Value>, ms: number, message: string): Promise<Value> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const isMainModule = process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (isMainModule) {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const executable = resolve(process.argv[2] ?? join(root, 'dist', 'events'));
  await smokeBinary(executable, (line) => console.log(`smoke-binary: ${line}`));
}
