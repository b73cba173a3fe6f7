import type { ErrorCode, FieldProblem } from '../../../contracts';
import type { EventParts } from '../ledger/event-hash';

/** An event ready to append: validated, with `actor` and `payload` as canonical JSON text. */
export interface NewEvent {
  type: string;
  orgId: string;
  actorId: string;
  actor: string;
  payload: string;
  /** Client-chosen key that makes retries of this publish return the first result. */
  idempotencyKey?: string;
  /** SHA-256 of the canonical request; a retry must match it to be a replay. */
  requestHash?: string;
}

/** An event as the ledger stores it. */
export interface StoredEvent extends EventParts {
  seq: number;
  prevHash: string;
  hash: string;
}

/** An event as reads return it: its JSON text, assembled by the database from the hashed columns. */
export interface EventView {
  seq: number;
  id: string;
  orgId: string;
  json: string;
}

/** Result of appending one unit (a single publish or a batch): all of it or none of it. */
export type AppendOutcome =
  | { ok: true; events: StoredEvent[]; replayed: boolean[] }
  | { ok: false; code: ErrorCode; message: string; details?: FieldProblem[] };

/** A keyset query over the ledger sequence. Bounds are exclusive. */
export interface EventQuery {
  orgId?: string;
  type?: string;
  actorId?: string;
  afterSeq?: number;
  beforeSeq?: number;
  order: 'asc' | 'desc';
  limit: number;
}

/**
 * Storage of the ledger. The domain depends on this interface only, so the embedded SQLite
 * store and a server database can be swapped without touching it.
 */
export interface LedgerStore {
  /** Appends the events of one unit atomically, chained after their organisations' heads. */
  append(events: NewEvent[]): Promise<AppendOutcome>;
  getEvent(id: string): Promise<EventView | undefined>;
  listEvents(query: EventQuery): Promise<EventView[]>;
  /** Returns the lowest sequence whose timestamp is at or after `timestamp`. */
  firstSeqAtOrAfter(timestamp: string): Promise<number | undefined>;
  /** Returns events in sequence order after `afterSeq`, for chain verification. */
  readChain(afterSeq: number, limit: number): Promise<StoredEvent[]>;
  /** Returns the secret that signs page cursors; created with the database. */
  cursorSecret(): Promise<string>;
  close(): Promise<void>;
}
