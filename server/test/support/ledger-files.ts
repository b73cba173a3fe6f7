import { execFile } from 'node:child_process';
import { copyFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import pino from 'pino';
import { canonicalize } from '../../src/ledger/canonical-json';
import type { NewEvent } from '../../src/storage/ledger-store';
import { SqliteLedgerStore } from '../../src/storage/sqlite/sqlite-ledger-store';

/** Root of the repository, where `scripts/verify.ts` lives. */
export const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** A row of `ledger_events` as a raw connection reads it. */
export interface LedgerRow {
  seq: number;
  id: string;
  org_id: string;
  type: string;
  actor: string;
  payload: string;
  timestamp: string;
  prev_hash: string;
  hash: string;
}

/** Builds an event to append, with canonical actor and payload text as the store expects. */
export function newEvent(orgId: string, payload: Record<string, unknown>, type = 'ledger.test.event'): NewEvent {
  const actor = { type: 'user', id: 'usr_ledger' };
  return { type, orgId, actorId: actor.id, actor: canonicalize(actor), payload: canonicalize(payload) };
}

/** Creates a ledger database at `path` with these events appended one by one, then closes it. */
export async function createLedger(path: string, events: NewEvent[]): Promise<void> {
  const store = await SqliteLedgerStore.open({ path, logger: pino({ level: 'silent' }) });
  try {
    for (const event of events) {
      const outcome = await store.append([event]);
      if (!outcome.ok) throw new Error(`append failed: ${outcome.message}`);
    }
  } finally {
    await store.close();
  }
}

/** Copies a closed ledger database; closing checkpointed its write-ahead log into the main file. */
export function copyLedger(source: string, target: string): string {
  if (existsSync(`${source}-wal`)) throw new Error(`${source} still has a write-ahead log; close every connection first`);
  copyFileSync(source, target);
  return target;
}

/** Runs statements on a raw read-write connection, the way someone bypassing the server would. */
export function withRawConnection<Result>(path: string, run: (connection: Database.Database) => Result): Result {
  const connection = new Database(path, { fileMustExist: true });
  try {
    return run(connection);
  } finally {
    connection.close();
  }
}

/** Reads every ledger row in sequence order. */
export function readRows(path: string): LedgerRow[] {
  return withRawConnection(path, (connection) => connection.prepare('select * from ledger_events order by seq').all() as LedgerRow[]);
}

/** Runs `npm run verify`'s script as a child process and resolves with its exit code and output. */
export function runVerifyScript(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const childEnv: Record<string, string | undefined> = { ...process.env, ...env };
    if (!('DATABASE_PATH' in env)) delete childEnv['DATABASE_PATH'];
    execFile(process.execPath, ['--import', 'tsx', 'scripts/verify.ts', ...args], { cwd: repositoryRoot, env: childEnv, timeout: 30_000 }, (error, stdout, stderr) => {
      let code = 0;
      if (error !== null) code = typeof error.code === 'number' ? error.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}
