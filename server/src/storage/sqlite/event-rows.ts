import type { LedgerEventRow } from '../database-schema';
import type { StoredEvent } from '../ledger-store';

/** Columns of `ledger_events` in the order the row mapper expects. */
export const eventColumns = ['seq', 'id', 'org_id', 'type', 'actor_id', 'actor', 'payload', 'timestamp', 'prev_hash', 'hash'] as const;

export function toStoredEvent(row: LedgerEventRow): StoredEvent {
  return {
    seq: row.seq,
    id: row.id,
    orgId: row.org_id,
    type: row.type,
    actor: row.actor,
    payload: row.payload,
    timestamp: row.timestamp,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}
