import { existsSync } from 'node:fs';
import { openSqlite } from '../storage/sqlite/open-sqlite';
import { runMigrations } from '../storage/sqlite/run-migrations';
import { ApiKeyAdmin } from './api-key-admin';

/** Raised when the database file to manage keys in does not exist. */
export class MissingDatabaseError extends Error {
  override readonly name = 'MissingDatabaseError';
}

/**
 * Runs `work` with an ApiKeyAdmin on its own connection to the database file, then closes it.
 * It serves the offline `keys` command, which may run while a server uses the same file. In WAL
 * mode its short write transactions wait for the server's writer (the busy timeout), and the
 * server looks keys up without a cache. With `create: true` a missing file is created and
 * migrated, so keys can exist before the server first starts.
 */
export async function withApiKeyAdmin<Result>(
  databasePath: string,
  options: { create: boolean },
  work: (admin: ApiKeyAdmin) => Promise<Result>,
): Promise<Result> {
  if (!options.create && !existsSync(databasePath)) {
    throw new MissingDatabaseError(`no database file at ${databasePath}; pass the server's file with --database or DATABASE_PATH`);
  }
  const connection = openSqlite(databasePath, { role: 'writer' });
  try {
    await runMigrations(connection);
    return await work(ApiKeyAdmin.forConnection(connection));
  } finally {
    connection.close();
  }
}
