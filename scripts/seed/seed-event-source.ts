import { canonicalize } from '../../server/src/ledger/canonical-json';
import { computeEventHash, genesisHash, type EventParts } from '../../server/src/ledger/event-hash';
import { createIdGenerator } from '../../server/src/ledger/event-id';

/** One `ledger_events` row, without `seq`, which SQLite assigns. */
export interface SeedRow extends EventParts {
  actorId: string;
  prevHash: string;
  hash: string;
}

/** Settings of {@link SeedEventSource}. */
export interface SeedEventSourceOptions {
  /** Events the source produces in total; timestamps spread over this many events. */
  total: number;
  /** Number of organisations, named `org_seed_00`, `org_seed_01` and so on. */
  orgs: number;
  /** Number of distinct event types. */
  types: number;
  /** Timestamp of the first event, in milliseconds since the epoch. */
  startTimeMs: number;
  /** Timestamp of the last event; at least `startTimeMs`. */
  endTimeMs: number;
  /** Current head hash per organisation, for appending to an existing ledger; others start at the genesis hash. */
  heads?: ReadonlyMap<string, string>;
  /** Seed of the pseudo-random choice of organisation, type and actor, so runs are repeatable. */
  randomSeed?: number;
}

const typeNames = [
  'support.ticket.created',
  'support.ticket.updated',
  'support.ticket.closed',
  'billing.invoice.issued',
  'billing.invoice.paid',
  'billing.refund.requested',
  'agent.run.started',
  'agent.run.completed',
  'agent.tool.called',
  'user.signed_in',
];
const actorTypes = ['user', 'agent', 'service'];
const priorities = ['low', 'normal', 'high', 'urgent'];
const actorsPerOrg = 50;

/**
 * Produces valid events in ledger order, hash-chained per organisation exactly as the ledger
 * writer chains them. Hashes come from `computeEventHash` over canonical JSON (RFC 8785), and
 * each organisation's first event links to `genesisHash`. Ids come from the writer's
 * time-sortable id generator, and timestamps never decrease.
 */
export class SeedEventSource {
  private readonly heads: Map<string, string>;
  private readonly nextId = createIdGenerator('evt_');
  private readonly orgIds: string[];
  private readonly types: string[];
  /** Canonical actor JSON by actor id; actors repeat, so each is canonicalized once. */
  private readonly actors = new Map<string, string>();
  private produced = 0;
  private random: number;
  private lastTimeMs = -1;
  private lastTimestamp = '';

  constructor(private readonly options: SeedEventSourceOptions) {
    checkOptions(options);
    this.heads = new Map(options.heads);
    this.orgIds = Array.from({ length: options.orgs }, (_, index) => seedOrgId(index));
    this.types = Array.from({ length: options.types }, (_, index) => seedTypeName(index));
    this.random = (options.randomSeed ?? 0x2545f491) >>> 0 || 1;
  }

  /** Builds the next event, chained after the previous one of its organisation. */
  next(): SeedRow {
    const index = this.produced;
    this.produced += 1;
    const orgId = this.orgIds[this.pick(this.orgIds.length)]!;
    const actorNumber = this.pick(actorsPerOrg);
    const actorId = `usr_${orgId.slice(4)}_${String(actorNumber).padStart(3, '0')}`;
    const payload = {
      ticketId: `tkt_${index}`,
      subject: `Seeded event number ${index}`,
      priority: priorities[index % priorities.length]!,
      tags: ['seed', `batch_${Math.floor(index / 10_000)}`],
    };

    const row: SeedRow = {
      id: this.nextId(),
      type: this.types[this.pick(this.types.length)]!,
      orgId,
      timestamp: this.timestampOf(index),
      actor: this.canonicalActor(actorId, actorNumber),
      payload: canonicalize(payload),
      actorId,
      prevHash: this.heads.get(orgId) ?? genesisHash,
      hash: '',
    };
    row.hash = computeEventHash(row.prevHash, row);
    this.heads.set(orgId, row.hash);
    return row;
  }

  private canonicalActor(actorId: string, actorNumber: number): string {
    let text = this.actors.get(actorId);
    if (text === undefined) {
      text = canonicalize({ type: actorTypes[actorNumber % actorTypes.length]!, id: actorId, name: `Seed Actor ${actorNumber}` });
      this.actors.set(actorId, text);
    }
    return text;
  }

  /** Spreads timestamps evenly from the start to the end time; equal neighbours are allowed. */
  private timestampOf(index: number): string {
    const { startTimeMs, endTimeMs, total } = this.options;
    const timeMs = total <= 1 ? startTimeMs : startTimeMs + Math.floor((index * (endTimeMs - startTimeMs)) / (total - 1));
    if (timeMs !== this.lastTimeMs) {
      this.lastTimeMs = timeMs;
      this.lastTimestamp = new Date(timeMs).toISOString();
    }
    return this.lastTimestamp;
  }

  /** Returns a pseudo-random integer from 0 to `bound - 1` (xorshift32). */
  private pick(bound: number): number {
    let x = this.random;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.random = x >>> 0;
    return this.random % bound;
  }
}

/** Organisation id of the `index`-th seeded organisation. */
export function seedOrgId(index: number): string {
  return `org_seed_${String(index).padStart(2, '0')}`;
}

function seedTypeName(index: number): string {
  const base = typeNames[index % typeNames.length]!;
  const round = Math.floor(index / typeNames.length);
  return round === 0 ? base : `${base}_v${round + 1}`;
}

/** Throws a RangeError naming the first value that is not a positive safe integer. */
export function checkPositiveIntegers(values: Record<string, number>): void {
  for (const [name, value] of Object.entries(values)) {
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new RangeError(`${name} must be a positive integer, got ${String(value)}`);
    }
  }
}

function checkOptions(options: SeedEventSourceOptions): void {
  checkPositiveIntegers({ total: options.total, orgs: options.orgs, types: options.types });
  if (!(options.endTimeMs >= options.startTimeMs)) {
    throw new RangeError(`endTimeMs must be at least startTimeMs (${options.startTimeMs}), got ${options.endTimeMs}`);
  }
}
