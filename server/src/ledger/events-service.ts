import { ApiError, invalidField, limits, type EventRecord, type EventsApi, type ListEventsInput, type PublishInput } from '../../../contracts';
import type { LedgerStore } from '../storage/ledger-store';
import type { Caller } from './caller';
import { canonicalize } from './canonical-json';
import { toEventRecord } from './event-record';
import { PageCursorCodec } from './page-cursor';
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

  /** Returns the events API bound to one caller. */
  forCaller(caller: Caller): EventsApi {
    return {
      publish: (input) => this.publish(caller, input),
      list: (input) => this.list(caller, input),
      get: (input) => this.get(caller, input.id),
    };
  }

  private async publish(caller: Caller, input: PublishInput & { idempotencyKey?: string }): Promise<{ event: EventRecord; replayed: boolean }> {
    const orgId = resolvePublishOrg(caller, input.orgId);
    const actor = canonicalize(input.actor);
    const payload = canonicalize(input.payload);
    const requestHash =
      input.idempotencyKey === undefined ? undefined : sha256Hex(`{"actor":${actor},"orgId":${JSON.stringify(orgId)},"payload":${payload},"type":${JSON.stringify(input.type)}}`);
    const outcome = await this.store.append([
      { type: input.type, orgId, actorId: input.actor.id, actor, payload, idempotencyKey: input.idempotencyKey, requestHash },
    ]);
    if (!outcome.ok) throw new ApiError(outcome.code, outcome.message, outcome.details);
    return { event: toEventRecord(outcome.events[0]!), replayed: outcome.replayed[0]! };
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
    return { events: page.map(toEventRecord), nextCursor };
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
    // Another organisation's event answers exactly like a missing one, so ids reveal nothing.
    if (stored === undefined || (caller.orgId !== undefined && stored.orgId !== caller.orgId)) {
      throw new ApiError('NOT_FOUND', `no event with id ${JSON.stringify(id)}`);
    }
    return toEventRecord(stored);
  }
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
