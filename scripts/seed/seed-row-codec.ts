import type { SeedRow } from './seed-event-source';

/**
 * Separates fields of encoded rows. Canonical JSON escapes U+0000, and ids, hashes, timestamps,
 * types, organisation ids and actor ids cannot contain control characters, so no field contains it.
 */
const separator = '\u0000';
const fieldsPerRow = 9;

/**
 * Packs rows into one string, because posting a single string between threads costs a copy
 * while posting objects costs a structured clone of every field.
 */
export function encodeSeedRows(rows: readonly SeedRow[]): string {
  const fields: string[] = [];
  for (const row of rows) pushSeedRowFields(fields, row);
  return fields.join(separator);
}

/** Appends the nine column values of `row` to `fields`, in the order {@link decodeSeedRowFields} describes. */
export function pushSeedRowFields(fields: string[], row: SeedRow): void {
  fields.push(row.id, row.orgId, row.type, row.actorId, row.actor, row.payload, row.timestamp, row.prevHash, row.hash);
}

/**
 * Unpacks {@link encodeSeedRows} output into flat fields: nine per row, in the column order
 * id, org_id, type, actor_id, actor, payload, timestamp, prev_hash, hash.
 */
export function decodeSeedRowFields(text: string): string[] {
  const fields = text === '' ? [] : text.split(separator);
  if (fields.length % fieldsPerRow !== 0) {
    throw new Error(`encoded seed rows have ${fields.length} fields, expected a multiple of ${fieldsPerRow}`);
  }
  return fields;
}

export { fieldsPerRow as seedRowFieldCount };
