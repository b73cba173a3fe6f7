import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { loadSqliteNativeBinding, sqliteNativeBinding } from './native-binding';

/** How long a connection waits for another connection's lock before failing with SQLITE_BUSY. */
export const busyTimeoutMs = 5000;

/**
 * Opens the ledger database with the pragmas every connection needs. The writer sets WAL mode,
 * which lets readers work while it commits. `synchronous = FULL` makes each commit wait for
 * fsync, so an acknowledged event survives a crash or power loss.
 *
 * `nativeBindingPath` names the addon file that the main thread extracted from the single
 * executable. A worker thread passes it to load that file instead of extracting the addon again.
 */
export function openSqlite(path: string, options: { role: 'writer' | 'reader'; nativeBindingPath?: string }): Database.Database {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const binding = options.nativeBindingPath === undefined ? sqliteNativeBinding() : loadSqliteNativeBinding(options.nativeBindingPath);
  const connection = new Database(path, binding === undefined ? {} : { nativeBinding: binding as unknown as string });
  connection.pragma(`busy_timeout = ${busyTimeoutMs}`);
  if (options.role === 'writer') {
    connection.pragma('journal_mode = WAL');
    connection.pragma('synchronous = FULL');
    connection.pragma('foreign_keys = ON');
  } else {
    connection.pragma('query_only = ON');
  }
  return connection;
}
