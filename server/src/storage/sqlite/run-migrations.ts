import type BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, type Migration, type MigrationProvider } from 'kysely';
import * as ledger from './migrations/0001-ledger';
import * as workflows from './migrations/0002-workflows';
import * as apiKeys from './migrations/0003-api-keys';

/** Migrations in order. They are imported statically so they also work inside a bundle. */
const migrations: Record<string, Migration> = {
  '0001-ledger': ledger,
  '0002-workflows': workflows,
  '0003-api-keys': apiKeys,
};

class StaticMigrationProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return migrations;
  }
}

/** Applies every pending migration with Kysely's Migrator; throws with the failing migration's name. */
export async function runMigrations(connection: BetterSqlite3.Database): Promise<void> {
  // The connection stays open after the migrations, so the Kysely instance must not close it.
  const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: { ...sqliteLike(connection), close: () => undefined } }) });
  const migrator = new Migrator({ db, provider: new StaticMigrationProvider() });
  const { error, results } = await migrator.migrateToLatest();
  await db.destroy();
  const failed = results?.find((result) => result.status === 'Error');
  if (error !== undefined) {
    const name = failed?.migrationName ?? 'unknown';
    throw new Error(`database migration ${name} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

function sqliteLike(connection: BetterSqlite3.Database) {
  return {
    prepare: (text: string) => connection.prepare(text),
  };
}
