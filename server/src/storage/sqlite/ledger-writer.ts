import type BetterSqlite3 from 'better-sqlite3';
import { ApiError } from '../../../../contracts';
import { computeEventHash, genesisHash, type EventParts } from '../../ledger/event-hash';
import { createIdGenerator } from '../../ledger/event-id';
import type { AppendOutcome, NewEvent, StoredEvent } from '../ledger-store';
import type { LedgerEventRow } from '../database-schema';
import { toStoredEvent } from './event-rows';
import { compileQuery, queryBuilder } from './query-builder';

/** Runs inside the append transaction after each event is inserted, to add rows such as workflow runs. */
export type AfterAppendHook = (connection: BetterSqlite3.Database, event: StoredEvent) => void;

/**
 * The single writer of the ledger. Appends happen in groups: every unit queued while the
 * previous commit was in flight goes into one transaction with one fsync (group commit), and
 * each unit runs in its own savepoint, so a conflict fails that unit alone.
 */
export class LedgerWriter {
  private readonly heads = new Map<string, string>();
  /** Head changes of the current group, so a rollback can restore the cached heads. */
  private readonly headJournal: Array<[orgId: string, previous: string | undefined]> = [];
  private readonly nextEventId = createIdGenerator('evt_');
  private lastTimestampMs: number;
  private readonly statements;
  private readonly appendUnitInSavepoint: BetterSqlite3.Transaction<(events: NewEvent[]) => AppendOutcome>;
  private readonly appendGroupInTransaction: BetterSqlite3.Transaction<(units: NewEvent[][]) => AppendOutcome[]>;

  constructor(
    private readonly connection: BetterSqlite3.Database,
    private readonly hooks: readonly AfterAppendHook[] = [],
  ) {
    const events = queryBuilder.selectFrom('ledger_events');
    this.statements = {
      insert: connection.prepare(
        compileQuery(
          queryBuilder.insertInto('ledger_events').values({
            id: '', org_id: '', type: '', actor_id: '', actor: '', payload: '', timestamp: '', prev_hash: '', hash: '',
          }),
        ).sql,
      ),
      head: connection.prepare(compileQuery(events.select('hash').where('org_id', '=', '').orderBy('seq', 'desc').limit(1)).sql).pluck(),
      lastTimestamp: connection.prepare(compileQuery(events.select('timestamp').orderBy('seq', 'desc').limit(1)).sql).pluck(),
      bySeq: connection.prepare(compileQuery(events.selectAll().where('seq', '=', 0)).sql),
      findKey: connection.prepare(
        compileQuery(queryBuilder.selectFrom('idempotency_keys').select(['request_hash', 'event_seq']).where('org_id', '=', '').where('key', '=', '')).sql,
      ),
      insertKey: connection.prepare(
        compileQuery(queryBuilder.insertInto('idempotency_keys').values({ org_id: '', key: '', request_hash: '', event_seq: 0 })).sql,
      ),
    };
    const last = this.statements.lastTimestamp.get(1) as string | undefined;
    this.lastTimestampMs = last === undefined ? 0 : Date.parse(last);
    this.appendUnitInSavepoint = connection.transaction((events: NewEvent[]) => this.appendUnit(events));
    this.appendGroupInTransaction = connection.transaction((units: NewEvent[][]) => units.map((unit) => this.tryAppendUnit(unit)));
  }

  /** Appends each unit in one transaction; returns one outcome per unit, in order. */
  appendGroup(units: NewEvent[][]): AppendOutcome[] {
    this.headJournal.length = 0;
    try {
      return this.appendGroupInTransaction.immediate(units);
    } catch (error) {
      // The whole transaction rolled back, so cached heads may name rows that no longer exist.
      this.revertHeads(0);
      throw error;
    } finally {
      this.headJournal.length = 0;
    }
  }

  private tryAppendUnit(events: NewEvent[]): AppendOutcome {
    const mark = this.headJournal.length;
    try {
      return this.appendUnitInSavepoint(events);
    } catch (error) {
      this.revertHeads(mark);
      if (error instanceof ApiError) return { ok: false, code: error.code, message: error.message, details: error.details };
      throw error;
    }
  }

  /** Undoes head changes made since `mark`, newest first, after a rollback. */
  private revertHeads(mark: number): void {
    while (this.headJournal.length > mark) {
      const [orgId, previous] = this.headJournal.pop()!;
      if (previous === undefined) this.heads.delete(orgId);
      else this.heads.set(orgId, previous);
    }
  }

  private appendUnit(events: NewEvent[]): AppendOutcome {
    const stored: StoredEvent[] = [];
    const replayed: boolean[] = [];
    events.forEach((event, index) => {
      const previous = this.findReplay(event, index, events.length);
      if (previous !== undefined) {
        stored.push(previous);
        replayed.push(true);
        return;
      }
      stored.push(this.insertEvent(event));
      replayed.push(false);
    });
    return { ok: true, events: stored, replayed };
  }

  /** Returns the event a previous request with the same idempotency key stored, or throws on a mismatch. */
  private findReplay(event: NewEvent, index: number, unitSize: number): StoredEvent | undefined {
    if (event.idempotencyKey === undefined) return undefined;
    const row = this.statements.findKey.get(event.orgId, event.idempotencyKey) as { request_hash: string; event_seq: number } | undefined;
    if (row === undefined) return undefined;
    if (row.request_hash !== event.requestHash) {
      const field = unitSize > 1 ? `events[${index}].idempotencyKey` : 'Idempotency-Key';
      const where = unitSize > 1 ? `events[${index}]: ` : '';
      const message = `${where}idempotency key ${JSON.stringify(event.idempotencyKey)} was already used for a different event; use a new key for a new event`;
      throw new ApiError('IDEMPOTENCY_CONFLICT', message, [{ field, message }]);
    }
    const found = this.statements.bySeq.get(row.event_seq) as LedgerEventRow | undefined;
    if (found === undefined) throw new Error(`idempotency key points at missing sequence ${row.event_seq}`);
    return toStoredEvent(found);
  }

  private insertEvent(event: NewEvent): StoredEvent {
    const prevHash = this.headOf(event.orgId);
    const parts: EventParts = {
      id: this.nextEventId(),
      type: event.type,
      orgId: event.orgId,
      timestamp: this.nextTimestamp(),
      actor: event.actor,
      payload: event.payload,
    };
    const hash = computeEventHash(prevHash, parts);
    const result = this.statements.insert.run(
      parts.id, parts.orgId, parts.type, event.actorId, parts.actor, parts.payload, parts.timestamp, prevHash, hash,
    );
    const stored: StoredEvent = { ...parts, seq: Number(result.lastInsertRowid), prevHash, hash };
    this.headJournal.push([event.orgId, prevHash]);
    this.heads.set(event.orgId, hash);
    if (event.idempotencyKey !== undefined) {
      this.statements.insertKey.run(event.orgId, event.idempotencyKey, event.requestHash ?? '', stored.seq);
    }
    for (const hook of this.hooks) hook(this.connection, stored);
    return stored;
  }

  private headOf(orgId: string): string {
    let head = this.heads.get(orgId);
    if (head === undefined) {
      head = (this.statements.head.get(orgId, 1) as string | undefined) ?? genesisHash;
      this.heads.set(orgId, head);
    }
    return head;
  }

  /** Timestamps never go backwards in ledger order, even when the clock does, so time filters map to sequence ranges. */
  private nextTimestamp(): string {
    this.lastTimestampMs = Math.max(Date.now(), this.lastTimestampMs);
    return new Date(this.lastTimestampMs).toISOString();
  }
}
