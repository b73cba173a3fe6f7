import { join } from 'node:path';
import { openSqlite } from '../../server/src/storage/sqlite/open-sqlite';
import { runMigrations } from '../../server/src/storage/sqlite/run-migrations';
import { SeedEventSource } from '../seed/seed-event-source';
import { pushSeedRowFields } from '../seed/seed-row-codec';
import { insertFields, prepareInsert } from '../seed/seed-ledger';

/** Result of {@link measureSqliteCeiling}. */
export interface SqliteCeiling {
  rowsPerSecond: number;
  rows: number;
  transactions: number;
  rowsPerTransaction: number;
}

/**
 * Measures how fast raw better-sqlite3 appends ledger rows on this disk: the ledger's own
 * migrations (same table, indexes and triggers), the writer's pragmas (WAL, `synchronous = FULL`,
 * so every commit waits for fsync), and `rowsPerTransaction` rows per transaction. Rows are built
 * and hashed before each transaction starts, so only the inserts and commits are timed.
 */
export async function measureSqliteCeiling(options: { folder: string; rowsPerTransaction: number; durationSeconds: number }): Promise<SqliteCeiling> {
  const connection = openSqlite(join(options.folder, `sqlite-ceiling-${options.rowsPerTransaction}.db`), { role: 'writer' });
  try {
    await runMigrations(connection);
    const insert = prepareInsert(connection);
    const writeGroup = connection.transaction((fields: string[]) => insertFields(insert, fields));
    const now = Date.now();
    const source = new SeedEventSource({ total: 1, orgs: 10, types: 20, startTimeMs: now, endTimeMs: now });

    const budgetMs = options.durationSeconds * 1000;
    const wallStart = performance.now();
    let timedMs = 0;
    let transactions = 0;
    // Row building is not timed, so the wall-clock bound keeps a slow builder from running forever.
    while (timedMs < budgetMs && performance.now() - wallStart < 3 * budgetMs) {
      const fields = rowFields(source, options.rowsPerTransaction);
      const started = performance.now();
      writeGroup.immediate(fields);
      timedMs += performance.now() - started;
      transactions += 1;
    }
    const rows = transactions * options.rowsPerTransaction;
    return { rowsPerSecond: rows / (timedMs / 1000), rows, transactions, rowsPerTransaction: options.rowsPerTransaction };
  } finally {
    connection.close();
  }
}

function rowFields(source: SeedEventSource, count: number): string[] {
  const fields: string[] = [];
  for (let index = 0; index < count; index++) pushSeedRowFields(fields, source.next());
  return fields;
}
