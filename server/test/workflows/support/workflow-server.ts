import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import type { ServerConfig } from '../../../src/config/load-config';
import { startServer, type RunningServer } from '../../../src/start-server';
import type { CodeWorkflow } from '../../../src/workflows/define-workflow';
import { defaultWorkflowSettings, type WorkflowSettings } from '../../../src/workflows/workflow-settings';

/** A parsed log line of the server. */
export type LogEntry = Record<string, unknown> & { msg: string; level: number };

/** A server with a fresh database whose log lines are kept for assertions. */
export interface WorkflowTestServer extends RunningServer {
  databasePath: string;
  logs: LogEntry[];
  /** Closes the server; the database folder stays until `remove`. */
  stop(): Promise<void>;
  /** Starts another server on the same database, as after a restart. */
  restart(options?: WorkflowServerOptions): Promise<WorkflowTestServer>;
  /** Deletes the database folder. */
  remove(): void;
}

export interface WorkflowServerOptions {
  settings?: Partial<WorkflowSettings>;
  workflows?: CodeWorkflow[];
  config?: Partial<ServerConfig>;
}

/** Short poll interval and timeouts so retries in tests take milliseconds. */
const testSettings: Partial<WorkflowSettings> = { pollIntervalMs: 50, webhookTimeoutMs: 2_000, codeTimeoutMs: 2_000, leaseMs: 5_000 };

/** Starts a server on 127.0.0.1 with a new database file and captured debug logs. */
export async function startWorkflowServer(options: WorkflowServerOptions = {}): Promise<WorkflowTestServer> {
  const folder = mkdtempSync(join(tmpdir(), 'workflow-test-'));
  return startOn(folder, options);
}

async function startOn(folder: string, options: WorkflowServerOptions): Promise<WorkflowTestServer> {
  const databasePath = join(folder, 'events.db');
  const logs: LogEntry[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') logs.push(JSON.parse(line) as LogEntry);
      callback();
    },
  });
  const config = {
    host: '127.0.0.1',
    port: 0,
    databasePath,
    maxBodyBytes: 1024 * 1024,
    maxBatchBodyBytes: 16 * 1024 * 1024,
    logLevel: 'debug',
    shutdownTimeoutMs: 5000,
    ...options.config,
    workflows: { ...defaultWorkflowSettings, ...testSettings, ...options.settings },
  } as ServerConfig;
  const server = await startServer(config, pino({ level: 'debug' }, sink), { workflows: options.workflows ?? [] });
  return {
    ...server,
    databasePath,
    logs,
    stop: () => server.close(),
    restart: (next = options) => startOn(folder, next),
    remove: () => rmSync(folder, { recursive: true, force: true }),
  };
}
