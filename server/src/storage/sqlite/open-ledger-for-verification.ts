import { statSync } from 'node:fs';
import type BetterSqlite3 from 'better-sqlite3';
import type { LedgerStore } from '../ledger-store';
import { LedgerReader } from './ledger-reader';
import { openSqlite } from './open-sqlite';

/** A ledger database opened for reading its chain only. */
export interface LedgerForVerification extends Pick<LedgerStore, 'readChain'> {
  close(): void;
}

/** Raised when the file is missing or is not a ledger database, so nothing can be verified. */
export class LedgerFileError extends Error {
  override readonly name = 'LedgerFileError';
}

/**
 * Opens an existing ledger database with a read-only connection and no writer thread, so
 * verification can run beside a live server or on a copy. Migrations are not applied: the
 * file is read as it is.
 *
 * @throws LedgerFileError when `path` does not name an existing file, or the file is not a
 *   SQLite database with the ledger tables. A missing file is never created.
 */
export function openLedgerForVerification(path: string): LedgerForVerification {
  checkFileExists(path);

  let connection: BetterSqlite3.Database | undefined;
  let reader: LedgerReader;
  try {
    connection = openSqlite(path, { role: 'reader' });
    reader = new LedgerReader(connection);
  } catch (error) {
    connection?.close();
    const reason = error instanceof Error ? error.message : String(error);
    throw new LedgerFileError(`${path} is not an event ledger database (${reason}); pass the file that DATABASE_PATH names`, { cause: error });
  }

  const opened = connection;
  return {
    readChain: async (afterSeq, limit) => reader.readChain(afterSeq, limit),
    close: () => opened.close(),
  };
}

function checkFileExists(path: string): void {
  const stats = statSync(path, { throwIfNoEntry: false });
  if (stats === undefined) {
    throw new LedgerFileError(`database file ${path} does not exist; pass the path of an existing ledger database`);
  }
  if (!stats.isFile()) {
    throw new LedgerFileError(`${path} is not a file; pass the path of a ledger database file`);
  }
}
