import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventSchema } from '../../contracts';
import { eventJson } from '../../server/src/ledger/event-hash';
import { verifyChain, type VerifiedChain, type VerifyResult } from '../../server/src/ledger/verify-chain';
import { openLedgerForVerification } from '../../server/src/storage/sqlite/open-ledger-for-verification';
import { openSqlite } from '../../server/src/storage/sqlite/open-sqlite';
import { runMigrations } from '../../server/src/storage/sqlite/run-migrations';
import { seedLedger } from '../seed/seed-ledger';

const root = fileURLToPath(new URL('../..', import.meta.url));
let folder: string;

beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'seed-db-test-'));
});

afterAll(() => {
  rmSync(folder, { recursive: true, force: true });
});

async function verify(path: string): Promise<VerifyResult> {
  const ledger = openLedgerForVerification(path);
  try {
    return await verifyChain(ledger);
  } finally {
    ledger.close();
  }
}

interface Row {
  id: string;
  org_id: string;
  type: string;
  actor_id: string;
  actor: string;
  payload: string;
  timestamp: string;
}

function indexDefinitions(path: string): string[] {
  const connection = new Database(path, { readonly: true });
  try {
    return connection.prepare("select coalesce(sql, name) from sqlite_master where type = 'index' order by name").pluck().all() as string[];
  } finally {
    connection.close();
  }
}

function readRows(path: string): Row[] {
  const connection = new Database(path, { readonly: true });
  try {
    return connection.prepare('select id, org_id, type, actor_id, actor, payload, timestamp from ledger_events order by seq').all() as Row[];
  } finally {
    connection.close();
  }
}

describe('seedLedger', () => {
  let path: string;
  let rows: Row[];

  beforeAll(async () => {
    path = join(folder, 'seeded.db');
    await seedLedger({ databasePath: path, events: 2000, orgs: 4, types: 12, transactionSize: 300 });
    rows = readRows(path);
  });

  it('writes the requested event count', () => {
    expect(rows).toHaveLength(2000);
  });

  it('produces a chain verifyChain accepts', async () => {
    const result = await verify(path);
    expect(result.ok).toBe(true);
    expect(result.events).toBe(2000);
    expect((result as VerifiedChain).organisations).toBe(4);
  });

  it('keeps every index of the migrations', async () => {
    const migrated = join(folder, 'migrated.db');
    const connection = openSqlite(migrated, { role: 'writer' });
    await runMigrations(connection);
    connection.close();
    expect(indexDefinitions(path)).toEqual(indexDefinitions(migrated));
    expect(indexDefinitions(path).length).toBeGreaterThan(5);
  });

  it('spreads events over organisations and types', () => {
    expect(new Set(rows.map((row) => row.org_id)).size).toBe(4);
    expect(new Set(rows.map((row) => row.type)).size).toBe(12);
  });

  it('gives ids that increase in sequence order', () => {
    const ids = rows.map((row) => row.id);
    expect(ids).toEqual([...ids].sort());
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('never places timestamps in the future', () => {
    const newest = Date.parse(rows[rows.length - 1]!.timestamp);
    expect(newest).toBeLessThanOrEqual(Date.now());
  });

  it('stores events the event schema accepts', () => {
    for (const row of [rows[0]!, rows[999]!, rows[1999]!]) {
      const parts = { id: row.id, type: row.type, orgId: row.org_id, timestamp: row.timestamp, actor: row.actor, payload: row.payload };
      const parsed = eventSchema.safeParse(JSON.parse(eventJson(parts)));
      expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
      expect(parsed.data?.actor.id).toBe(row.actor_id);
    }
  });
});

describe('seedLedger on an existing ledger', () => {
  it('continues every chain from its head', async () => {
    const path = join(folder, 'twice.db');
    await seedLedger({ databasePath: path, events: 700, orgs: 3, types: 5 });
    await seedLedger({ databasePath: path, events: 500, orgs: 5, types: 5 });

    const result = await verify(path);
    expect(result.ok).toBe(true);
    expect(result.events).toBe(1200);
    expect((result as VerifiedChain).organisations).toBe(5);
  });
});

describe('seed-db command', () => {
  it('prints the seeding rate', () => {
    const path = join(folder, 'command.db');
    const output = execFileSync(process.execPath, ['--import', 'tsx', 'scripts/seed-db.ts', '--events', '1_500', '--database', path, '--orgs', '2'], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(output).toMatch(/seeded 1500 events in \d+\.\d s: \d+ rows\/s/);
    expect(readRows(path)).toHaveLength(1500);
  });

  it('rejects a count that is not a positive integer', () => {
    const run = () =>
      execFileSync(process.execPath, ['--import', 'tsx', 'scripts/seed-db.ts', '--events', '-5', '--database', join(folder, 'never.db')], {
        cwd: root,
        encoding: 'utf8',
        stdio: 'pipe',
      });
    expect(run).toThrow(/expected a positive integer, got "-5"/);
  });
});
