import { openSqlite } from '../../server/src/storage/sqlite/open-sqlite';

/** Event ids spread over a ledger, and its size. */
export interface LedgerSample {
  ids: string[];
  /** Highest sequence number, which equals the number of events because the ledger never deletes. */
  events: number;
}

/**
 * Reads up to `count` event ids spread evenly over the ledger's sequence, oldest first, through
 * a read-only connection, so the get scenario touches the whole id index instead of one row.
 */
export function sampleLedger(databasePath: string, count: number): LedgerSample {
  const connection = openSqlite(databasePath, { role: 'reader' });
  try {
    const maxSeq = (connection.prepare('select max(seq) from ledger_events').pluck().get() as number | null) ?? 0;
    const atOrAfter = connection.prepare('select id from ledger_events where seq >= ? order by seq limit 1').pluck();
    const ids = new Set<string>();
    for (let index = 0; index < count && maxSeq > 0; index++) {
      const seq = 1 + Math.floor((index * (maxSeq - 1)) / Math.max(1, count - 1));
      const id = atOrAfter.get(seq) as string | undefined;
      if (id !== undefined) ids.add(id);
    }
    return { ids: [...ids], events: maxSeq };
  } finally {
    connection.close();
  }
}
