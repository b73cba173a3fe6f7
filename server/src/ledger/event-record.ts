import type { Event, EventRecord } from '../../../contracts';
import type { EventView, StoredEvent } from '../storage/ledger-store';
import { eventJson } from './event-hash';

/** Wraps an event read from the ledger: its JSON text as stored, parsed only for tRPC. */
export function toEventRecord(view: Pick<EventView, 'id' | 'json'>): EventRecord {
  const json = view.json;
  return {
    id: view.id,
    json,
    toEvent: () => JSON.parse(json) as Event,
  };
}

/** Wraps an event the writer just appended. */
export function appendedEventRecord(stored: StoredEvent): EventRecord {
  return toEventRecord({ id: stored.id, json: eventJson(stored) });
}
