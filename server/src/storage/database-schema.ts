/** Kysely table types of the ledger database; column names are snake_case as in SQL. */
import type { Generated, Selectable } from 'kysely';

export interface LedgerEventsTable {
  seq: Generated<number>;
  id: string;
  org_id: string;
  type: string;
  actor_id: string;
  /** Canonical JSON (RFC 8785) of the actor object. */
  actor: string;
  /** Canonical JSON (RFC 8785) of the payload object. */
  payload: string;
  timestamp: string;
  prev_hash: string;
  hash: string;
}

export interface IdempotencyKeysTable {
  org_id: string;
  key: string;
  /** SHA-256 of the canonical request, to tell a retry from a different request with the same key. */
  request_hash: string;
  event_seq: number;
}

export interface LedgerMetaTable {
  key: string;
  value: string;
}

export interface Database {
  ledger_events: LedgerEventsTable;
  idempotency_keys: IdempotencyKeysTable;
  ledger_meta: LedgerMetaTable;
}

/** A row of `ledger_events` as read. */
export type LedgerEventRow = Selectable<LedgerEventsTable>;
