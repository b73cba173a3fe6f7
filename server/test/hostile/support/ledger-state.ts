import { expect } from 'vitest';
import { verifyChain } from '../../../src/ledger/verify-chain';
import type { RunningServer } from '../../../src/start-server';
import { openSqlite } from '../../../src/storage/sqlite/open-sqlite';

/** Row count of every table of the database except Kysely's migration bookkeeping. */
export type RowCounts = Record<string, number>;

/** Counts the rows of every table, on a connection of its own that reads the latest commit. */
export function countRows(databasePath: string): RowCounts {
  const connection = openSqlite(databasePath, { role: 'reader' });
  try {
    const tables = connection
      .prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like 'kysely_%' order by name")
      .pluck()
      .all() as string[];
    const counts: RowCounts = {};
    for (const table of tables) counts[table] = connection.prepare(`select count(*) from "${table}"`).pluck().get() as number;
    return counts;
  } finally {
    connection.close();
  }
}

/** Checks that every organisation's hash chain verifies from genesis to head. */
export async function expectChainVerifies(server: RunningServer): Promise<void> {
  const result = await verifyChain(server.store);
  expect(result, JSON.stringify(result)).toMatchObject({ ok: true });
}

/** Checks that the server still passes its health check. */
export async function expectServerAlive(url: string): Promise<void> {
  const response = await fetch(`${url}/healthz`);
  expect(response.status).toBe(200);
}
