import { ApiError, invalidField, limits, type EventRecord, type EventsApi, type ListEventsInput, type PublishInput } from '../../../contracts';
import type { LedgerStore, NewEvent } from '../storage/ledger-store';
import type { Caller } from './caller';
import { canonicalize } from './canonical-json';
import { appendedEventRecord, toEventRecord } from './event-record';
import { PageCursorCodec } from './page-cursor';
import { requireScope } from './require-scope';
import { sha256Hex } from './sha256-hex';

/** Publishing and reading events for one caller; transports validate input with the contracts first. */
export class EventsService {
  constructor(
    private readonly store: LedgerStore,
    private readonly cursors: PageCursorCodec,
  ) {}

  static async create(store: LedgerStore): Promise<EventsService> {
    return new EventsService(store, new PageCursorCodec(Buffer.from(await store.cursorSecret(), 'hex')));
  }

  /** Returns the events API bound to one caller; publishing needs the scope events:write, reading events:read. */
  forCaller(caller: Caller): EventsApi {
    return {
      publish: async (input) => {
        requireScope(caller, 'events:write');
        return this.publish(caller, input);
      },
      publishBatch: async (input) => {
        requireScope(caller, 'events:write');
        return this.publishBatch(caller, input.events);
      },
      list: async (input) => {
        requireScope(caller, 'events:read');
        return this.list(caller, input);
      },
      get: async (input) => {
        requireScope(caller, 'events:read');
        return this.get(caller, input.id);
      },
    };
  }

  private async publish(caller: Caller, input: PublishInput): Promise<{ event: EventRecord; replayed: boolean }> {
    const outcome = await this.store.append([toNewEvent(caller, input)]);
    if (!outcome.ok) throw new ApiError(outcome.code, outcome.message, outcome.details);
    return { event: appendedEventRecord(outcome.events[0]!), replayed: outcome.replayed[0]! };
  }

  /** Appends every event of a batch in one unit: all of them or none. */
  private async publishBatch(caller: Caller, inputs: PublishInput[]): Promise<{ events: EventRecord[]; replayed: boolean[] }> {
    const events = inputs.map((input, index) => {
      try {
        return toNewEvent(caller, input);
      } catch (error) {
        throw error instanceof ApiError ? atBatchIndex(error, index) : error;
      }
    });
    const outcome = await this.store.append(events);
    if (!outcome.ok) throw new ApiError(outcome.code, outcome.message, outcome.details);
    return { events: outcome.events.map(appendedEventRecord), replayed: outcome.replayed };
  }

  private async list(caller: Caller, input: ListEventsInput): Promise<{ events: EventRecord[]; nextCursor: string | null }> {
    const orgId = resolveReadOrg(caller, input.orgId);
    const order = input.order ?? 'asc';
    const limit = input.limit ?? limits.defaultPageSize;
    const filters = { type: input.type, actorId: input.actorId, orgId, after: input.after, since: input.since, until: input.until, order };
    const range = await this.resolveRange(input, orgId);
    if (range === undefined) return { events: [], nextCursor: null };

    if (input.cursor !== undefined) {
      const position = this.cursors.decode(input.cursor, filters);
      if (order === 'asc') range.afterSeq = Math.max(range.afterSeq ?? 0, position.seq);
      else range.beforeSeq = Math.min(range.beforeSeq ?? Number.MAX_SAFE_INTEGER, position.seq);
    }

    const rows = await this.store.listEvents({ orgId, type: input.type, actorId: input.actorId, ...range, order, limit: limit + 1 });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    const nextCursor = rows.length > limit && last !== undefined ? this.cursors.encode({ seq: last.seq, order }, filters) : null;
    return { events: page.map((view) => toEventRecord(view)), nextCursor };
  }

  /** Turns `after`, `since` and `until` into sequence bounds; undefined when no event can match. */
  private async resolveRange(input: ListEventsInput, orgId: string | undefined): Promise<{ afterSeq?: number; beforeSeq?: number } | undefined> {
    const range: { afterSeq?: number; beforeSeq?: number } = {};
    if (input.after !== undefined) {
      const after = await this.store.getEvent(input.after);
      if (after === undefined || (orgId !== undefined && after.orgId !== orgId)) {
        throw invalidField('after', `after must be the id of an existing event, got ${JSON.stringify(input.after)}`);
      }
      range.afterSeq = after.seq;
    }
    if (input.since !== undefined) {
      const first = await this.store.firstSeqAtOrAfter(new Date(input.since).toISOString());
      if (first === undefined) return undefined;
      range.afterSeq = Math.max(range.afterSeq ?? 0, first - 1);
    }
    if (input.until !== undefined) {
      const first = await this.store.firstSeqAtOrAfter(new Date(input.until).toISOString());
      if (first !== undefined) range.beforeSeq = first;
    }
    return range;
  }

  private async get(caller: Caller, id: string): Promise<EventRecord> {
    const stored = await this.store.getEvent(id);
    // Another organisation's event gets the same 404 as a missing one, so ids reveal nothing.
    if (stored === undefined || (caller.orgId !== undefined && stored.orgId !== caller.orgId)) {
      throw new ApiError('NOT_FOUND', `no event with id ${JSON.stringify(id)}`);
    }
    return toEventRecord(stored);
  }
}

/** Prepares one validated publish for the store: organisation resolved, actor and payload canonical. */
function toNewEvent(caller: Caller, input: PublishInput): NewEvent {
  const orgId = resolvePublishOrg(caller, input.orgId);
  const actor = canonicalize(input.actor);
  const payload = canonicalize(input.payload);
  const event: NewEvent = { type: input.type, orgId, actorId: input.actor.id, actor, payload };
  if (input.idempotencyKey !== undefined) {
    // The request hash covers the resolved organisation, so a retry that omits orgId still matches.
    event.idempotencyKey = input.idempotencyKey;
    event.requestHash = sha256Hex(`{"actor":${actor},"orgId":${JSON.stringify(orgId)},"payload":${payload},"type":${JSON.stringify(input.type)}}`);
  }
  return event;
}

/** Moves an error about one event of a batch to `events[index]`, so the client knows which one failed. */
function atBatchIndex(error: ApiError, index: number): ApiError {
  const details = (error.details ?? [{ field: '', message: error.message }]).map((problem) => ({
    field: problem.field === '' ? `events[${index}]` : `events[${index}].${problem.field}`,
    message: problem.message,
  }));
  return new ApiError(error.code, `events[${index}]: ${error.message}`, details);
}

function resolvePublishOrg(caller: Caller, requested: string | undefined): string {
  if (caller.orgId === undefined) {
    if (requested === undefined) throw invalidField('orgId', 'orgId is required when the server runs without authentication; add "orgId": "org_..." to the event');
    return requested;
  }
  if (requested !== undefined && requested !== caller.orgId) {
    throw new ApiError('FORBIDDEN', `this API key publishes for organisation ${caller.orgId} only, got orgId ${JSON.stringify(requested)}`);
  }
  return caller.orgId;
}

function resolveReadOrg(caller: Caller, requested: string | undefined): string | undefined {
  if (caller.orgId === undefined) return requested;
  if (requested !== undefined && requested !== caller.orgId) {
    throw new ApiError('FORBIDDEN', `this API key reads organisation ${caller.orgId} only, got orgId ${JSON.stringify(requested)}`);
  }
  return caller.orgId;
}
