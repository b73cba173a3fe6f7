import type BetterSqlite3 from 'better-sqlite3';
import { ApiError } from '../../../contracts';
import type { Caller } from '../ledger/caller';
import { apiKeyPattern, hashApiKeySecret } from './api-key-secret';
import { ApiKeyStore } from './api-key-store';

/** A 401 rejection of a request, with `keyId` set when the key exists. */
export class AuthenticationError extends ApiError {
  constructor(
    message: string,
    readonly keyId?: string,
  ) {
    super('UNAUTHORIZED', message);
  }
}

const bearerPrefix = /^bearer +/i;

/**
 * Turns an `Authorization: Bearer <key>` header into the caller of that key. Each call reads the
 * key's row with one index lookup on the read-only connection, and each such read sees the latest
 * commit. So a key created or revoked by the writer thread or by the offline `keys` command works
 * or stops working from the next request on, with no cache to wait for.
 */
export class ApiKeyAuthenticator {
  private readonly keys: ApiKeyStore;

  constructor(
    connection: BetterSqlite3.Database,
    private readonly now: () => number = Date.now,
  ) {
    this.keys = new ApiKeyStore(connection);
  }

  /** Returns the caller for the header's key; throws AuthenticationError (401) for a missing, unknown, revoked or expired key. */
  authenticate(authorization: string | undefined): Caller {
    if (authorization === undefined || authorization.trim() === '') {
      throw new AuthenticationError('this server requires an API key; send the header "Authorization: Bearer sk_..."');
    }
    if (!bearerPrefix.test(authorization)) {
      throw new AuthenticationError('the Authorization header must use the Bearer scheme: "Authorization: Bearer sk_..."');
    }
    const secret = authorization.replace(bearerPrefix, '').trim();
    if (!apiKeyPattern.test(secret)) {
      throw new AuthenticationError('the API key is malformed: expected "sk_" followed by 43 base64url characters, as printed by keys create');
    }
    const key = this.keys.findBySecretHash(hashApiKeySecret(secret));
    if (key === undefined) throw new AuthenticationError('the API key is not valid; check that it was copied whole or create a new one');
    if (key.revokedAt !== null) {
      throw new AuthenticationError(`the API key ${key.id} was revoked at ${key.revokedAt}; create a new key`, key.id);
    }
    if (key.expiresAt !== null && Date.parse(key.expiresAt) <= this.now()) {
      throw new AuthenticationError(`the API key ${key.id} expired at ${key.expiresAt}; create a new key`, key.id);
    }
    return { orgId: key.orgId, keyId: key.id, scopes: key.scopes };
  }
}
