/**
 * Shows that queued workflow runs and a hanging receiver do not slow the API: measures the
 * latency of `POST /events` and `GET /events` on a fresh server, then again after a webhook
 * workflow that points at a receiver that never responds has 10,000 runs queued.
 *
 * Usage: npm run bench:workflows -- [--samples 2000] [--backlog 10000] [--clients 8]
 *
 * Everything runs on 127.0.0.1: the server in a child process, the receiver and the clients in
 * this process. Every request has a 10 s timeout, and the child and the temporary database are
 * removed before the script exits.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { repoRoot } from './bench/repo-root';
import { startChildServer, type ChildServer } from './bench/start-child-server';

interface Options {
  samples: number;
  backlog: number;
  clients: number;
}

type Phase = { name: string; publish: number[]; list: number[] };

const requestTimeoutMs = 10_000;
const batchSize = 500;

function parseOptions(args: string[]): Options {
  const options: Options = { samples: 2000, backlog: 10_000, clients: 8 };
  for (let index = 0; index < args.length; index += 2) {
    const name = args[index]?.replace(/^--/, '') as keyof Options;
    const value = Number(args[index + 1]);
    if (!(name in options) || !Number.isInteger(value) || value < 1 || value > 1_000_000) {
      throw new Error(`unknown option or value "${args[index]} ${args[index + 1]}"; use --samples, --backlog or --clients with an integer from 1 to 1000000`);
    }
    options[name] = value;
  }
  return options;
}

/** Starts a receiver that accepts every delivery and never responds, like a hung endpoint. */
async function startHangingReceiver(): Promise<{ url: string; server: Server; sockets: Set<Socket> }> {
  const sockets = new Set<Socket>();
  const server = createServer(() => undefined);
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, server, sockets };
}

async function request(url: string, method: string, body?: unknown): Promise<{ status: number; data: unknown }> {
  const response = await fetch(url, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(requestTimeoutMs),
  });
  const parsed = (await response.json()) as { data?: unknown; error?: { message: string } };
  if (response.status >= 300) throw new Error(`${method} ${url} failed with ${response.status}: ${parsed.error?.message ?? ''}`);
  return { status: response.status, data: parsed.data };
}

function event(index: number): Record<string, unknown> {
  return { type: 'isolation.ticket.created', actor: { type: 'user', id: 'usr_bench' }, payload: { index, title: 'Printer on fire' }, orgId: 'org_bench' };
}

/** Sends `samples` requests from `clients` concurrent loops; returns each latency in ms. */
async function measure(samples: number, clients: number, send: (index: number) => Promise<unknown>): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  const loop = async () => {
    while (next < samples) {
      const index = next++;
      const started = performance.now();
      await send(index);
      latencies.push(performance.now() - started);
    }
  };
  await Promise.all(Array.from({ length: clients }, loop));
  return latencies;
}

async function measurePhase(name: string, url: string, options: Options): Promise<Phase> {
  const publish = await measure(options.samples, options.clients, (index) => request(`${url}/events`, 'POST', event(index)));
  const list = await measure(Math.ceil(options.samples / 4), options.clients, () => request(`${url}/events?limit=50&order=desc`, 'GET'));
  return { name, publish, list };
}

/** Publishes `count` matching events in batches, which queues one run per event. */
async function queueBacklog(url: string, count: number): Promise<void> {
  for (let sent = 0; sent < count; sent += batchSize) {
    const size = Math.min(batchSize, count - sent);
    await request(`${url}/events/batch`, 'POST', { events: Array.from({ length: size }, (_, index) => event(sent + index)) });
  }
}

function countQueuedRuns(databasePath: string): { queued: number; running: number } {
  const database = new Database(databasePath, { readonly: true });
  try {
    const row = database
      .prepare(`select sum(status in ('pending', 'retrying')) as queued, sum(status = 'running') as running from workflow_runs`)
      .get() as { queued: number | null; running: number | null };
    return { queued: row.queued ?? 0, running: row.running ?? 0 };
  } finally {
    database.close();
  }
}

function percentile(sorted: number[], fraction: number): number {
  return sorted[Math.max(0, Math.ceil(fraction * sorted.length) - 1)] ?? Number.NaN;
}

function formatRow(label: string, latencies: number[]): string {
  const sorted = [...latencies].sort((a, b) => a - b);
  const cells = [0.5, 0.9, 0.99].map((fraction) => percentile(sorted, fraction).toFixed(2).padStart(8));
  return `${label.padEnd(34)} ${String(sorted.length).padStart(7)} ${cells.join(' ')} ${sorted.at(-1)!.toFixed(2).padStart(8)}`;
}

function report(phases: Phase[], options: Options, backlog: { queued: number; running: number }): string {
  const cpu = cpus();
  const lines = [
    `machine: ${cpu.length} x ${cpu[0]?.model ?? 'unknown CPU'}, Node ${process.version}; ${options.clients} concurrent clients on 127.0.0.1`,
    `backlog during the second phase: ${backlog.queued} queued runs, ${backlog.running} attempts hanging on the receiver`,
    '',
    `${'request (latency in ms)'.padEnd(34)} ${'count'.padStart(7)} ${'p50'.padStart(8)} ${'p90'.padStart(8)} ${'p99'.padStart(8)} ${'max'.padStart(8)}`,
  ];
  for (const phase of phases) {
    lines.push(formatRow(`POST /events, ${phase.name}`, phase.publish));
    lines.push(formatRow(`GET /events, ${phase.name}`, phase.list));
  }
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const folder = mkdtempSync(join(tmpdir(), 'workflow-isolation-'));
  const databasePath = join(folder, 'events.db');
  const receiver = await startHangingReceiver();
  let server: ChildServer | undefined;
  try {
    server = await startChildServer({
      name: 'ledger server',
      args: ['--import', 'tsx', 'server/src/main.ts'],
      env: { ...process.env, DATABASE_PATH: databasePath, HOST: '127.0.0.1', PORT: '0', AUTH: 'off', LOG_LEVEL: 'info' },
      cwd: repoRoot,
      listeningMessage: 'event ledger listening',
    });
    // A first, discarded round lets V8 compile the hot paths, which would otherwise slow the baseline alone.
    await measurePhase('warm-up', server.url, { ...options, samples: Math.ceil(options.samples / 4) });
    process.stdout.write(`measuring ${options.samples} publishes and ${Math.ceil(options.samples / 4)} lists without workflows\n`);
    const baseline = await measurePhase('no backlog', server.url, options);

    await request(`${server.url}/workflows`, 'POST', { name: 'hanging-receiver', on: 'isolation.>', webhook: { url: receiver.url } });
    process.stdout.write(`queueing ${options.backlog} runs for a receiver that never answers\n`);
    await queueBacklog(server.url, options.backlog);
    const backlog = countQueuedRuns(databasePath);
    const loaded = await measurePhase('with backlog', server.url, options);
    process.stdout.write(`\n${report([baseline, loaded], options, backlog)}`);
  } finally {
    await server?.stop();
    for (const socket of receiver.sockets) socket.destroy();
    receiver.server.close();
    rmSync(folder, { recursive: true, force: true });
  }
}

await main();
