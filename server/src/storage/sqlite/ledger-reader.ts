import type BetterSqlite3 from 'better-sqlite3';
import type { LedgerEventRow } from '../database-schema';
import { eventJson } from '../../ledger/event-hash';
import { EventViewCache } from '../event-view-cache';
import type { EventQuery, EventView, StoredEvent } from '../ledger-store';
import { eventColumns, toStoredEvent } from './event-rows';
import { compileQuery, queryBuilder, StatementCache } from './query-builder';

/** Columns a view is built from; `actor` and `payload` are the canonical text the hash covers. */
const viewColumns = ['seq', 'id', 'org_id', 'type', 'actor', 'payload', 'timestamp'] as const;
type ViewRow = [seq: number, id: string, orgId: string, type: string, actor: string, payload: string, timestamp: string];

/** Builds the event JSON as reads return it, from exactly the values the hash covers. */
function toView(row: ViewRow): EventView {
  const [seq, id, orgId, type, actor, payload, timestamp] = row;
  return { seq, id, orgId, json: eventJson({ id, type, orgId, timestamp, actor, payload }) };
}

/** Number of event views kept in memory; about 0.5 KB each for a typical event. */
export const defaultViewCacheEntries = 20_000;

/**
 * Read queries of the ledger on one connection. Lists first select the matching sequence
 * numbers, which come from the filter indexes without reading the table. Then they take each
 * event from the view cache and read only the events it does not contain.
 */
export class LedgerReader {
  private readonly cache: StatementCache;
  /** List statements by filter shape, so Kysely compiles each shape once. */
  private readonly listStatements = new Map<string, BetterSqlite3.Statement>();
  private readonly byId: BetterSqlite3.Statement;
  private readonly firstSeqAt: BetterSqlite3.Statement;
  private readonly chain: BetterSqlite3.Statement;
  private readonly meta: BetterSqlite3.Statement;
  private readonly bySeq: BetterSqlite3.Statement;
  readonly views: EventViewCache;

  constructor(connection: BetterSqlite3.Database, options: { viewCacheEntries?: number } = {}) {
    this.views = new EventViewCache(options.viewCacheEntries ?? defaultViewCacheEntries);
    this.cache = new StatementCache(connection);
    this.bySeq = connection.prepare(compileQuery(queryBuilder.selectFrom('ledger_events').select(viewColumns).where('seq', '=', 0)).sql).raw();
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
    const cached = this.views.getById(id);
    if (cached !== undefined) return cached;
    const row = this.byId.get(id) as ViewRow | undefined;
    if (row === undefined) return undefined;
    const view = toView(row);
    this.views.add(view);
    return view;
  }

  private viewAt(seq: number): EventView {
    const cached = this.views.getBySeq(seq);
    if (cached !== undefined) return cached;
    const row = this.bySeq.get(seq) as ViewRow | undefined;
    if (row === undefined) throw new Error(`ledger sequence ${seq} vanished between two reads`);
    const view = toView(row);
    this.views.add(view);
    return view;
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
    return (statement.all(...parameters) as number[]).map((seq) => this.viewAt(seq));
  }
}

/** Builds the list query; its parameters come in the order orgId, type, actorId, afterSeq, beforeSeq, limit. */
function compileListQuery(query: EventQuery) {
  let select = queryBuilder.selectFrom('ledger_events').select('seq');
  if (query.orgId !== undefined) select = select.where('org_id', '=', query.orgId);
  if (query.type !== undefined) select = select.where('type', '=', query.type);
  if (query.actorId !== undefined) select = select.where('actor_id', '=', query.actorId);
  if (query.afterSeq !== undefined) select = select.where('seq', '>', query.afterSeq);
  if (query.beforeSeq !== undefined) select = select.where('seq', '<', query.beforeSeq);
  return compileQuery(select.orderBy('seq', query.order).limit(query.limit));
}
