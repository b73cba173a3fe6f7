import { createHmac, hash, timingSafeEqual } from 'node:crypto';
import { ApiError } from '../../../contracts';

const prefix = 'rc_';
const macBytes = 16;
const filterBytes = 8;
// direction (1) + sequence (8) + filter digest (8)
const bodyBytes = 1 + 8 + filterBytes;
// Keeps run cursors and event cursors apart although both use the database's cursor secret.
const domain = 'workflow-runs-cursor-v1';

/** The filters a run cursor is bound to: which list, status filter, caller scope and order. */
export interface RunCursorFilters {
  /** `workflow:<id>` or `event:<id>`. */
  list: string;
  status?: string;
  scope?: string;
  order: 'asc' | 'desc';
}

/**
 * Signs and checks cursors of run listings. A cursor carries the last run sequence of its page
 * and a digest of its filters under an HMAC-SHA256 tag, so an edited cursor, or one issued for
 * another listing, fails instead of reading another range.
 */
export class RunCursorCodec {
  constructor(private readonly secret: Buffer) {}

  encode(seq: number, filters: RunCursorFilters): string {
    const body = Buffer.alloc(bodyBytes);
    body.writeUInt8(filters.order === 'asc' ? 0 : 1, 0);
    // Sequences stay below 2^53, so two 32-bit halves hold them exactly.
    body.writeUInt32BE(Math.floor(seq / 2 ** 32), 1);
    body.writeUInt32BE(seq >>> 0, 5);
    filterDigest(filters).copy(body, 9);
    return prefix + Buffer.concat([body, this.sign(body)]).toString('base64url');
  }

  /** Returns the sequence after which the next page starts; throws INVALID_CURSOR for a foreign cursor. */
  decode(cursor: string, filters: RunCursorFilters): number {
    if (!cursor.startsWith(prefix)) throw invalidCursor(`it does not start with "${prefix}"`);
    const bytes = Buffer.from(cursor.slice(prefix.length), 'base64url');
    if (bytes.length !== bodyBytes + macBytes || bytes.toString('base64url') !== cursor.slice(prefix.length)) {
      throw invalidCursor('it is not a cursor this server issued');
    }
    const body = bytes.subarray(0, bodyBytes);
    if (!timingSafeEqual(bytes.subarray(bodyBytes), this.sign(body))) throw invalidCursor('it is not a cursor this server issued');
    if (!filterDigest(filters).equals(body.subarray(9))) {
      throw invalidCursor('it was issued for another run listing; repeat the query with the same id, status and order, or drop the cursor');
    }
    return body.readUInt32BE(1) * 2 ** 32 + body.readUInt32BE(5);
  }

  private sign(body: Buffer): Buffer {
    return createHmac('sha256', this.secret).update(domain).update(body).digest().subarray(0, macBytes);
  }
}

function filterDigest(filters: RunCursorFilters): Buffer {
  const text = JSON.stringify([filters.list, filters.status, filters.scope, filters.order]);
  return hash('sha256', text, 'buffer').subarray(0, filterBytes);
}

function invalidCursor(reason: string): ApiError {
  const message = `cursor is invalid: ${reason}`;
  return new ApiError('INVALID_CURSOR', message, [{ field: 'cursor', message }]);
}
