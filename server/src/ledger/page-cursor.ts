import { createHmac, createSecretKey, hash, timingSafeEqual, type KeyObject } from 'node:crypto';
import { ApiError } from '../../../contracts';

const prefix = 'cx_';
const version = 1;
const macBytes = 16;
const filterBytes = 8;
// version (1) + direction (1) + sequence (8) + filter digest (8)
const bodyBytes = 1 + 1 + 8 + filterBytes;

/** Position of the next page: the last sequence of the previous page and the list order. */
export interface CursorPosition {
  /** Sequence of the last event of the previous page. */
  seq: number;
  order: 'asc' | 'desc';
}

/**
 * Signs and checks page cursors. A cursor carries the last sequence of its page and a digest of
 * every filter of the query that issued it, under an HMAC-SHA256 tag with a per-database
 * secret: an edited, forged or foreign cursor fails the check instead of reading another range.
 */
export class PageCursorCodec {
  private readonly key: KeyObject;

  constructor(secret: Buffer) {
    this.key = createSecretKey(secret);
  }

  encode(position: CursorPosition, filters: CursorFilters): string {
    const body = Buffer.allocUnsafe(bodyBytes);
    body.writeUInt8(version, 0);
    body.writeUInt8(position.order === 'asc' ? 0 : 1, 1);
    // Sequences stay below 2^53, so two 32-bit halves hold them exactly.
    body.writeUInt32BE(Math.floor(position.seq / 2 ** 32), 2);
    body.writeUInt32BE(position.seq >>> 0, 6);
    filterDigest(filters).copy(body, 10);
    return prefix + Buffer.concat([body, this.sign(body)]).toString('base64url');
  }

  /** Decodes a cursor issued for exactly these filters; throws INVALID_CURSOR otherwise. */
  decode(cursor: string, filters: CursorFilters): CursorPosition {
    if (!cursor.startsWith(prefix)) throw invalidCursor('it does not start with "cx_"');
    const bytes = Buffer.from(cursor.slice(prefix.length), 'base64url');
    if (bytes.length !== bodyBytes + macBytes || bytes.toString('base64url') !== cursor.slice(prefix.length)) {
      throw invalidCursor('it is not a cursor this server issued');
    }
    const body = bytes.subarray(0, bodyBytes);
    if (!timingSafeEqual(bytes.subarray(bodyBytes), this.sign(body)) || body.readUInt8(0) !== version) {
      throw invalidCursor('it is not a cursor this server issued');
    }
    if (!filterDigest(filters).equals(body.subarray(10))) {
      throw invalidCursor('it was issued for other filters; repeat the query with the same type, order, after, since, until, actorId and orgId, or drop the cursor');
    }
    return { order: body.readUInt8(1) === 0 ? 'asc' : 'desc', seq: body.readUInt32BE(2) * 2 ** 32 + body.readUInt32BE(6) };
  }

  private sign(body: Buffer): Buffer {
    return createHmac('sha256', this.key).update(body).digest().subarray(0, macBytes);
  }
}

/** Every filter a cursor is bound to; a cursor only decodes with exactly the same values. */
export interface CursorFilters {
  type?: string;
  actorId?: string;
  orgId?: string;
  after?: string;
  since?: string;
  until?: string;
  order: 'asc' | 'desc';
}

function filterDigest(filters: CursorFilters): Buffer {
  // A fixed field order makes the text, and so the digest, deterministic.
  const text = JSON.stringify([filters.type, filters.actorId, filters.orgId, filters.after, filters.since, filters.until, filters.order]);
  return hash('sha256', text, 'buffer').subarray(0, filterBytes);
}

function invalidCursor(reason: string): ApiError {
  const message = `cursor is invalid: ${reason}`;
  return new ApiError('INVALID_CURSOR', message, [{ field: 'cursor', message }]);
}
