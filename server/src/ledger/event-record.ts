import type { Event, EventRecord } from '../../../contracts';
import type { StoredEvent } from '../storage/ledger-store';
import { eventJson } from './event-hash';

/** Wraps a stored event as the API returns it: JSON text built once, parsed only for tRPC. */
export function toEventRecord(stored: StoredEvent): EventRecord {
  const json = eventJson(stored);
  return {
    id: stored.id,
    json,
    toEvent: () => JSON.parse(json) as Event,
  };
}
