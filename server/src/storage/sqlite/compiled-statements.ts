import type BetterSqlite3 from 'better-sqlite3';
import type { Compilable } from 'kysely';
import { compileQuery } from './query-builder';

/**
 * Runs Kysely-built queries on one connection through prepared statements cached by SQL
 * text, returning rows as objects. Compiling costs microseconds per call, so this suits
 * queries off the publish path whose parameters are easier to pass in the builder than by
 * position.
 */
export class CompiledStatements {
  private readonly statements = new Map<string, BetterSqlite3.Statement>();

  constructor(readonly connection: BetterSqlite3.Database) {}

  all<Row>(query: Compilable): Row[] {
    const compiled = compileQuery(query);
    return this.prepare(compiled.sql).all(...compiled.parameters) as Row[];
  }

  get<Row>(query: Compilable): Row | undefined {
    const compiled = compileQuery(query);
    return this.prepare(compiled.sql).get(...compiled.parameters) as Row | undefined;
  }

  /** Runs a statement that returns no rows; returns the number of rows it changed. */
  run(query: Compilable): number {
    const compiled = compileQuery(query);
    return this.prepare(compiled.sql).run(...compiled.parameters).changes;
  }

  private prepare(sql: string): BetterSqlite3.Statement {
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      statement = this.connection.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}
