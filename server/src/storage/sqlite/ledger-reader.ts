import type BetterSqlite3 from 'better-sqlite3';
import type { LedgerEventRow } from '../database-schema';
import type { EventQuery, StoredEvent } from '../ledger-store';
import { eventColumns, toStoredEvent } from './event-rows';
import { compileQuery, queryBuilder, StatementCache } from './query-builder';

/** Read queries of the ledger on one connection. Every method is a single statement. */
export class LedgerReader {
  private readonly cache: StatementCache;
  private readonly byId: BetterSqlite3.Statement;
  private readonly firstSeqAt: BetterSqlite3.Statement;
  private readonly chain: BetterSqlite3.Statement;
  private readonly meta: BetterSqlite3.Statement;

  constructor(connection: BetterSqlite3.Database) {
    this.cache = new StatementCache(connection);
    const events = queryBuilder.selectFrom('ledger_events').select(eventColumns);
    this.byId = connection.prepare(compileQuery(events.where('id', '=', '')).sql);
    this.chain = connection.prepare(compileQuery(events.where('seq', '>', 0).orderBy('seq').limit(1)).sql);
    this.firstSeqAt = connection
      .prepare(compileQuery(queryBuilder.selectFrom('ledger_events').select((eb) => eb.fn.min('seq').as('seq')).where('timestamp', '>=', '')).sql)
      .pluck();
    this.meta = connection.prepare(compileQuery(queryBuilder.selectFrom('ledger_meta').select('value').where('key', '=', '')).sql).pluck();
  }

  getEvent(id: string): StoredEvent | undefined {
    const row = this.byId.get(id) as LedgerEventRow | undefined;
    return row === undefined ? undefined : toStoredEvent(row);
  }

  firstSeqAtOrAfter(timestamp: string): number | undefined {
    const seq = this.firstSeqAt.get(timestamp) as number | null;
    return seq ?? undefined;
  }

  readChain(afterSeq: number, limit: number): StoredEvent[] {
    return (this.chain.all(afterSeq, limit) as LedgerEventRow[]).map(toStoredEvent);
  }

  metaValue(key: string): string | undefined {
    return (this.meta.get(key) as string | undefined) ?? undefined;
  }

  listEvents(query: EventQuery): StoredEvent[] {
    let select = queryBuilder.selectFrom('ledger_events').select(eventColumns);
    if (query.orgId !== undefined) select = select.where('org_id', '=', query.orgId);
    if (query.type !== undefined) select = select.where('type', '=', query.type);
    if (query.actorId !== undefined) select = select.where('actor_id', '=', query.actorId);
    if (query.afterSeq !== undefined) select = select.where('seq', '>', query.afterSeq);
    if (query.beforeSeq !== undefined) select = select.where('seq', '<', query.beforeSeq);
    const compiled = compileQuery(select.orderBy('seq', query.order).limit(query.limit));
    return (this.cache.get(compiled.sql).all(...compiled.parameters) as LedgerEventRow[]).map(toStoredEvent);
  }
}
