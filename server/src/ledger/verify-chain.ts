import type { LedgerStore, StoredEvent } from '../storage/ledger-store';
import { canonicalize } from './canonical-json';
import { computeEventHash, genesisHash } from './event-hash';
import { parseStrictJson } from './strict-json';

/** Options of {@link verifyChain}. */
export interface VerifyChainOptions {
  /** Events read per `readChain` call. Defaults to 1000. */
  batchSize?: number;
}

/** Every event verified: each organisation's chain is unbroken from the genesis value to its head. */
export interface VerifiedChain {
  ok: true;
  events: number;
  organisations: number;
  /** Hash of the newest event of each organisation, keyed by `orgId`. */
  heads: Record<string, string>;
  /** Hash of the newest event in the ledger, or null when the ledger is empty. */
  head: string | null;
}

/** The first event, in sequence order, whose hash or link does not verify. */
export interface BrokenChain {
  ok: false;
  /** Events verified before the broken one. */
  events: number;
  seq: number;
  eventId: string;
  orgId: string;
  reason: string;
}

export type VerifyResult = VerifiedChain | BrokenChain;

const defaultBatchSize = 1000;

/**
 * Nesting allowed when parsing stored `actor` and `payload` text. It is far above the API's
 * payload limit, so any text the server could have stored parses. The strict parser uses an
 * explicit stack, so a deeper text is reported instead of overflowing the call stack.
 */
const maxStoredDepth = 1000;

/**
 * Walks the whole ledger in sequence order and recomputes every hash from the stored columns,
 * the way an auditor would from the events that reads return.
 *
 * For each event it checks, in this order, and stops at the first failure:
 * 1. `prev_hash` equals the hash of the previous event of the same organisation, or the genesis
 *    value for the organisation's first event.
 * 2. `actor` and `payload` parse as strict JSON (RFC 7493).
 * 3. `hash` equals SHA-256 of `prev_hash` followed by the event's canonical JSON (RFC 8785),
 *    built from the parsed and re-canonicalized `actor` and `payload`.
 * 4. `actor` and `payload` are stored in canonical form, so reads return the hashed text.
 * 5. The timestamp is not earlier than the previous event's in sequence order.
 *
 * It cannot detect removal of the newest events of a chain, or a chain rewritten from some event
 * onward with recomputed hashes: compare the returned heads with head hashes kept elsewhere.
 */
export async function verifyChain(store: Pick<LedgerStore, 'readChain'>, options: VerifyChainOptions = {}): Promise<VerifyResult> {
  const batchSize = options.batchSize ?? defaultBatchSize;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`batchSize must be a positive integer, got ${String(batchSize)}`);
  }

  const heads = new Map<string, string>();
  let verified = 0;
  let afterSeq = 0;
  let last: StoredEvent | undefined;

  for (;;) {
    const batch = await store.readChain(afterSeq, batchSize);
    for (const event of batch) {
      const reason = findBreak(event, heads.get(event.orgId) ?? genesisHash, last);
      if (reason !== undefined) {
        return { ok: false, events: verified, seq: event.seq, eventId: event.id, orgId: event.orgId, reason };
      }
      heads.set(event.orgId, event.hash);
      verified += 1;
      last = event;
    }
    if (batch.length < batchSize) break;
    afterSeq = last?.seq ?? afterSeq;
  }

  return { ok: true, events: verified, organisations: heads.size, heads: Object.fromEntries(heads), head: last?.hash ?? null };
}

/** Returns why `event` breaks the chain, or undefined when it verifies. */
function findBreak(event: StoredEvent, expectedPrevHash: string, previous: StoredEvent | undefined): string | undefined {
  if (event.prevHash !== expectedPrevHash) {
    const expected =
      expectedPrevHash === genesisHash
        ? `the genesis value ${genesisHash}, because no earlier event of organisation ${event.orgId} precedes it`
        : `${expectedPrevHash}, the hash of the previous event of organisation ${event.orgId}`;
    return `prev_hash ${event.prevHash} does not match ${expected}; an event was removed, inserted or reordered before this one, or this prev_hash was changed`;
  }

  const actor = canonicalColumn('actor', event.actor);
  if (!actor.ok) return actor.reason;
  const payload = canonicalColumn('payload', event.payload);
  if (!payload.ok) return payload.reason;

  const recomputed = computeEventHash(event.prevHash, { ...event, actor: actor.canonical, payload: payload.canonical });
  if (recomputed !== event.hash) {
    return `hash mismatch: the stored hash is ${event.hash} but the event's content hashes to ${recomputed}; the content or the hash of this event was changed`;
  }

  for (const [column, text, canonical] of [['actor', event.actor, actor.canonical], ['payload', event.payload, payload.canonical]] as const) {
    if (text !== canonical) {
      return `the ${column} column is not in canonical form (RFC 8785), so reads return other text than the hash covers; the column was rewritten`;
    }
  }
  if (previous !== undefined && event.timestamp < previous.timestamp) {
    return `timestamp ${event.timestamp} is earlier than ${previous.timestamp} of the event at seq ${previous.seq}; ledger timestamps never decrease`;
  }
  return undefined;
}

/**
 * Parses a stored JSON column strictly and canonicalizes it again. `canonicalize` accepts every
 * value `parseStrictJson` returns, because the parser already rejects lone surrogates and
 * numbers a 64-bit float cannot hold.
 */
function canonicalColumn(column: 'actor' | 'payload', text: string): { ok: true; canonical: string } | { ok: false; reason: string } {
  const parsed = parseStrictJson(text, { maxDepth: maxStoredDepth });
  if (!parsed.ok) {
    return { ok: false, reason: `unparsable JSON in the ${column} column: ${parsed.message}; the column was changed` };
  }
  return { ok: true, canonical: canonicalize(parsed.value) };
}
