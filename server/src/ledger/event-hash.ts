import { sha256Hex } from './sha256-hex';

/** `prev_hash` of each organisation's first event: 64 zeros, the hex form of 32 zero bytes. */
export const genesisHash = '0'.repeat(64);

/** The parts of a stored event; `actor` and `payload` are canonical JSON text (RFC 8785). */
export interface EventParts {
  id: string;
  type: string;
  orgId: string;
  timestamp: string;
  actor: string;
  payload: string;
}

/**
 * Builds the canonical JSON (RFC 8785) of an event: keys in sorted order, `actor` and
 * `payload` already canonical. This is the exact text the hash covers.
 */
export function canonicalEventJson(parts: EventParts): string {
  return (
    `{"actor":${parts.actor},"id":${JSON.stringify(parts.id)},"orgId":${JSON.stringify(parts.orgId)},` +
    `"payload":${parts.payload},"timestamp":${JSON.stringify(parts.timestamp)},"type":${JSON.stringify(parts.type)}}`
  );
}

/** Computes `hash = SHA-256(prev_hash ‖ canonical JSON)` over UTF-8, with `prev_hash` as 64 lowercase hex characters. */
export function computeEventHash(prevHash: string, parts: EventParts): string {
  return sha256Hex(prevHash + canonicalEventJson(parts));
}

/** Builds the event JSON that reads return, in the API's field order and with the hashed values. */
export function eventJson(parts: EventParts): string {
  return (
    `{"id":${JSON.stringify(parts.id)},"type":${JSON.stringify(parts.type)},"actor":${parts.actor},` +
    `"payload":${parts.payload},"orgId":${JSON.stringify(parts.orgId)},"timestamp":${JSON.stringify(parts.timestamp)}}`
  );
}
