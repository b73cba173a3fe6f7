import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqlite } from '../../src/storage/sqlite/open-sqlite';

/** Returns the addon file that better-sqlite3 loads from node_modules outside the executable. */
function installedAddonPath(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('better-sqlite3/package.json')), 'build', 'Release', 'better_sqlite3.node');
}

describe('openSqlite nativeBindingPath', () => {
  it('opens database with given addon', () => {
    const connection = openSqlite(':memory:', { role: 'writer', nativeBindingPath: installedAddonPath() });

    const version = connection.prepare('SELECT sqlite_version() AS version').pluck().get();
    connection.close();

    expect(version).toMatch(/^3\.\d+\.\d+$/);
  });

  it('names missing addon file', () => {
    const missing = join(dirname(installedAddonPath()), 'missing.node');

    expect(() => openSqlite(':memory:', { role: 'reader', nativeBindingPath: missing })).toThrow(`failed to load the SQLite native addon from ${missing}`);
  });
});
