import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { ServerConfig } from '../../src/config/load-config';
import { startServer, type RunningServer } from '../../src/start-server';

/** A server on 127.0.0.1 with a fresh database in its own temporary folder. */
export interface TestServer extends RunningServer {
  databasePath: string;
  /** Closes the server and removes its temporary folder. */
  stop(): Promise<void>;
}

/** Starts a real server on a free port with a new database file; logs are discarded. */
export async function startTestServer(overrides: Partial<ServerConfig> = {}): Promise<TestServer> {
  const folder = mkdtempSync(join(tmpdir(), 'ledger-test-'));
  const databasePath = join(folder, 'events.db');
  const config = {
    host: '127.0.0.1',
    port: 0,
    databasePath,
    maxBodyBytes: 1024 * 1024,
    maxBatchBodyBytes: 16 * 1024 * 1024,
    logLevel: 'silent',
    shutdownTimeoutMs: 5000,
    ...overrides,
  } as ServerConfig;
  const server = await startServer(config, pino({ level: 'silent' }));
  return {
    ...server,
    databasePath,
    stop: async () => {
      await server.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
