import type BetterSqlite3 from 'better-sqlite3';
import type { LedgerEventRow } from '../database-schema';
import { sql } from 'kysely';
import type { EventQuery, EventView, StoredEvent } from '../ledger-store';
import { eventColumns, toStoredEvent } from './event-rows';
import { compileQuery, queryBuilder, StatementCache } from './query-builder';

/**
 * The event JSON as the API returns it, assembled by SQLite from the stored columns: `actor` and
 * `payload` are the canonical text the hash covers, so reads return exactly what was hashed.
 * Building it in SQL costs about half of fetching the columns and joining them in JavaScript.
 */
// id, type, org_id and timestamp only hold characters that need no JSON escaping: the schemas and
// the id generator restrict them, so quoting them is enough.
const eventJsonColumn = sql<string>`'{"id":"' || id || '","type":"' || type || '","actor":' || actor || ',"payload":' || payload || ',"orgId":"' || org_id || '","timestamp":"' || timestamp || '"}'`.as('json');
const viewColumns = ['seq', 'id', 'org_id', eventJsonColumn] as const;
type ViewRow = [seq: number, id: string, orgId: string, json: string];

function toView(row: ViewRow): EventView {
  return { seq: row[0], id: row[1], orgId: row[2], json: row[3] };
}

/** Read queries of the ledger on one connection. Every method is a single statement. */
export class LedgerReader {
  private readonly cache: StatementCache;
  /** List statements by filter shape, so Kysely compiles each shape once. */
  private readonly listStatements = new Map<string, BetterSqlite3.Statement>();
  private readonly byId: BetterSqlite3.Statement;
  private readonly firstSeqAt: BetterSqlite3.Statement;
  private readonly chain: BetterSqlite3.Statement;
  private readonly meta: BetterSqlite3.Statement;

  constructor(connection: BetterSqlite3.Database) {
    this.cache = new StatementCache(connection);
    const events = queryBuilder.selectFrom('ledger_events').select(eventColumns);
    // Raw mode returns rows as arrays, which costs about half as much as row objects.
    this.byId = connection.prepare(compileQuery(queryBuilder.selectFrom('ledger_events').select(viewColumns).where('id', '=', '')).sql).raw();
    this.chain = connection.prepare(compileQuery(events.where('seq', '>', 0).orderBy('seq').limit(1)).sql);
    this.firstSeqAt = connection
      .prepare(compileQuery(queryBuilder.selectFrom('ledger_events').select((eb) => eb.fn.min('seq').as('seq')).where('timestamp', '>=', '')).sql)
      .pluck();
    this.meta = connection.prepare(compileQuery(queryBuilder.selectFrom('ledger_meta').select('value').where('key', '=', '')).sql).pluck();
  }

  getEvent(id: string): EventView | undefined {
    const row = this.byId.get(id) as ViewRow | undefined;
    return row === undefined ? undefined : toView(row);
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

  listEvents(query: EventQuery): EventView[] {
    const filters = [query.orgId, query.type, query.actorId, query.afterSeq, query.beforeSeq];
    const shape = filters.map((value) => (value === undefined ? '0' : '1')).join('') + query.order;
    let statement = this.listStatements.get(shape);
    if (statement === undefined) {
      statement = this.cache.get(compileListQuery(query).sql);
      this.listStatements.set(shape, statement);
    }
    const parameters = filters.filter((value) => value !== undefined);
    parameters.push(query.limit);
    return (statement.all(...parameters) as ViewRow[]).map(toView);
  }
}

/** Builds the list query; its parameters come in the order orgId, type, actorId, afterSeq, beforeSeq, limit. */
function compileListQuery(query: EventQuery) {
  let select = queryBuilder.selectFrom('ledger_events').select(viewColumns);
  if (query.orgId !== undefined) select = select.where('org_id', '=', query.orgId);
  if (query.type !== undefined) select = select.where('type', '=', query.type);
  if (query.actorId !== undefined) select = select.where('actor_id', '=', query.actorId);
  if (query.afterSeq !== undefined) select = select.where('seq', '>', query.afterSeq);
  if (query.beforeSeq !== undefined) select = select.where('seq', '<', query.beforeSeq);
  return compileQuery(select.orderBy('seq', query.order).limit(query.limit));
}
