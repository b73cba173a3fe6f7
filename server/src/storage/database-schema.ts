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

/** API keys; `secret_hash` is the SHA-256 of the key, the key itself is never stored. */
export interface ApiKeysTable {
  id: string;
  secret_hash: string;
  org_id: string;
  name: string | null;
  /** Comma-separated scopes, such as `events:read,events:write`. */
  scopes: string;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
}

export interface Database {
  ledger_events: LedgerEventsTable;
  idempotency_keys: IdempotencyKeysTable;
  ledger_meta: LedgerMetaTable;
  api_keys: ApiKeysTable;
}

/** A row of `ledger_events` as read. */
export type LedgerEventRow = Selectable<LedgerEventsTable>;
