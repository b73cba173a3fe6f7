import { execFileSync } from 'node:child_process';
import { repoRoot } from './repo-root';
import { startChildServer, type ChildServer } from './start-child-server';

let serverBundleBuilt = false;

/** Builds `dist/server/main.mjs`, the bundle `npm start` runs, once per benchmark process. */
function buildServerBundle(): void {
  if (serverBundleBuilt) return;
  execFileSync(process.execPath, ['--import', 'tsx', 'scripts/build-server.ts'], { cwd: repoRoot, stdio: 'inherit' });
  serverBundleBuilt = true;
}

/**
 * Starts the ledger server as `npm start` runs it (`dist/server/main.mjs`, built first from
 * `server/src/main.ts`) in a child process on 127.0.0.1 at a free
 * port, with authentication and rate limiting off whatever the caller's environment sets, so
 * the load is neither rejected nor throttled. It logs at info level, because the line that
 * carries its URL is an info entry.
 * With `cpuProfileDir`, Node writes a `.cpuprofile` there when the server exits after SIGTERM.
 */
export function startLedgerServer(databasePath: string, cpuProfileDir?: string): Promise<ChildServer> {
  const profiling = cpuProfileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${cpuProfileDir}`];
  buildServerBundle();
  return startChildServer({
    name: 'ledger server',
    args: [...profiling, 'dist/server/main.mjs'],
    cwd: repoRoot,
    env: { ...process.env, DATABASE_PATH: databasePath, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', AUTH: 'off', RATE_LIMIT_PER_SECOND: '0' },
    listeningMessage: 'event ledger listening',
  });
}

/** Starts the bare Hono ceiling server (`scripts/bench/ceiling-server.ts`) in a child process. */
export function startCeilingServer(): Promise<ChildServer> {
  return startChildServer({
    name: 'ceiling server',
    args: ['--import', 'tsx', 'scripts/bench/ceiling-server.ts'],
    cwd: repoRoot,
    env: { ...process.env },
    listeningMessage: 'ceiling server listening',
  });
}
