import type BetterSqlite3 from 'better-sqlite3';
import {
  DummyDriver,
  Kysely,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type Compilable,
} from 'kysely';
import type { Database } from '../database-schema';

/**
 * Kysely used as a typed query builder only. Queries run through better-sqlite3 prepared
 * statements, because its transactions are synchronous and a statement prepared once is much
 * cheaper than Kysely's per-query driver round trip.
 */
export const queryBuilder = new Kysely<Database>({
  dialect: {
    createAdapter: () => new SqliteAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new SqliteIntrospector(db),
    createQueryCompiler: () => new SqliteQueryCompiler(),
  },
});

/** A compiled query: its SQL and parameters in order. */
export interface CompiledSql {
  sql: string;
  parameters: unknown[];
}

export function compileQuery(query: Compilable): CompiledSql {
  const compiled = query.compile();
  return { sql: compiled.sql, parameters: [...compiled.parameters] };
}

/** Caches prepared statements by SQL text, for queries whose shape varies with the filters. Statements return their first column only. */
export class StatementCache {
  private readonly statements = new Map<string, BetterSqlite3.Statement>();

  constructor(private readonly connection: BetterSqlite3.Database) {}

  get(sql: string): BetterSqlite3.Statement {
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      statement = this.connection.prepare(sql).pluck();
      this.statements.set(sql, statement);
    }
    return statement;
  }
}
