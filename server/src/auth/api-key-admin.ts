import type BetterSqlite3 from 'better-sqlite3';
import { ApiError, invalidField, orgIdSchema } from '../../../contracts';
import { apiScopes, type ApiScope } from '../ledger/caller';
import { createIdGenerator } from '../ledger/event-id';
import type { SqliteLedgerStore } from '../storage/sqlite/sqlite-ledger-store';
import { apiKeyOperationNames, insertApiKey, revokeApiKey, type RevokeApiKeyArgs } from './api-key-operations';
import { generateApiKeySecret, hashApiKeySecret } from './api-key-secret';
import { ApiKeyStore, type ApiKeyInfo, type StoredApiKey } from './api-key-store';

/** Request for a new key. Without `scopes` the key gets every scope. */
export interface CreateApiKeyRequest {
  orgId: string;
  scopes?: readonly ApiScope[];
  name?: string;
  /** When the key stops working; must lie in the future. */
  expiresAt?: Date;
}

/** A new key: `secret` is the only copy of the key and cannot be shown again. */
export interface CreatedApiKey {
  secret: string;
  key: ApiKeyInfo;
}

/** Writes of key management, done by the writer thread or directly on a connection. */
interface ApiKeyWrites {
  insert(key: StoredApiKey): Promise<unknown>;
  revoke(args: RevokeApiKeyArgs): Promise<ApiKeyInfo | null>;
}

/** Maximum length of a key's display name. */
export const maxApiKeyNameLength = 200;

const nextKeyId = createIdGenerator('key_');

/**
 * Creates, lists and revokes API keys. `forServer` sends writes to the writer thread of a
 * running server; `forConnection` writes on a connection of its own, for the offline `keys`
 * command. Either way the server accepts a new key and rejects a revoked one on its next request,
 * because it looks keys up without a cache.
 */
export class ApiKeyAdmin {
  private constructor(
    private readonly writes: ApiKeyWrites,
    private readonly reads: ApiKeyStore,
    private readonly now: () => Date,
  ) {}

  static forServer(store: SqliteLedgerStore, now: () => Date = () => new Date()): ApiKeyAdmin {
    const writes: ApiKeyWrites = {
      insert: (key) => store.call(apiKeyOperationNames.insert, key),
      revoke: (args) => store.call<ApiKeyInfo | null>(apiKeyOperationNames.revoke, args),
    };
    return new ApiKeyAdmin(writes, new ApiKeyStore(store.readerConnection), now);
  }

  static forConnection(connection: BetterSqlite3.Database, now: () => Date = () => new Date()): ApiKeyAdmin {
    const writes: ApiKeyWrites = {
      insert: async (key) => insertApiKey(connection, key),
      revoke: async (args) => revokeApiKey(connection, args),
    };
    return new ApiKeyAdmin(writes, new ApiKeyStore(connection), now);
  }

  /** Creates a key; throws VALIDATION_FAILED naming the invalid field. */
  async create(request: CreateApiKeyRequest): Promise<CreatedApiKey> {
    const now = this.now();
    const secret = generateApiKeySecret();
    const key: StoredApiKey = {
      id: nextKeyId(),
      orgId: checkOrgId(request.orgId),
      name: checkName(request.name),
      scopes: checkScopes(request.scopes ?? apiScopes),
      createdAt: now.toISOString(),
      expiresAt: checkExpiry(request.expiresAt, now),
      revokedAt: null,
      secretHash: hashApiKeySecret(secret),
    };
    await this.writes.insert(key);
    const { secretHash: _omitted, ...info } = key;
    return { secret, key: info };
  }

  async list(filter: { orgId?: string } = {}): Promise<ApiKeyInfo[]> {
    return this.reads.list(filter);
  }

  /** Revokes a key at once; revoking a revoked key keeps its first revocation time. Throws NOT_FOUND for an unknown id. */
  async revoke(id: string): Promise<{ key: ApiKeyInfo; alreadyRevoked: boolean }> {
    const before = this.reads.get(id);
    if (before === undefined) throw new ApiError('NOT_FOUND', `no API key with id ${JSON.stringify(id)}; list the keys with: keys list`);
    const key = await this.writes.revoke({ id, revokedAt: this.now().toISOString() });
    if (key === null) throw new ApiError('NOT_FOUND', `no API key with id ${JSON.stringify(id)}; list the keys with: keys list`);
    return { key, alreadyRevoked: before.revokedAt !== null };
  }
}

function checkOrgId(orgId: string): string {
  const result = orgIdSchema.safeParse(orgId);
  if (!result.success) throw invalidField('orgId', result.error.issues[0]?.message ?? `orgId is invalid, got ${JSON.stringify(orgId)}`);
  return result.data;
}

function checkName(name: string | undefined): string | null {
  if (name === undefined) return null;
  if (name.length === 0 || name.length > maxApiKeyNameLength || /\p{Cc}/u.test(name) || !name.isWellFormed()) {
    throw invalidField('name', `name must be 1 to ${maxApiKeyNameLength} characters without control characters, got ${name.length} characters`);
  }
  return name;
}

/** Returns the scopes deduplicated, in the order of `apiScopes`. */
function checkScopes(scopes: readonly string[]): ApiScope[] {
  const unknown = scopes.filter((scope) => !(apiScopes as readonly string[]).includes(scope));
  if (unknown.length > 0) {
    throw invalidField('scopes', `unknown scopes ${unknown.map((scope) => JSON.stringify(scope)).join(', ')}; valid scopes are ${apiScopes.join(', ')}`);
  }
  if (scopes.length === 0) throw invalidField('scopes', `a key needs at least one scope of ${apiScopes.join(', ')}`);
  return apiScopes.filter((scope) => scopes.includes(scope));
}

function checkExpiry(expiresAt: Date | undefined, now: Date): string | null {
  if (expiresAt === undefined) return null;
  if (Number.isNaN(expiresAt.getTime())) throw invalidField('expiresAt', 'expiresAt is not a valid date');
  if (expiresAt.getTime() <= now.getTime()) {
    throw invalidField('expiresAt', `expiresAt must lie in the future, got ${expiresAt.toISOString()} while it is ${now.toISOString()}`);
  }
  return expiresAt.toISOString();
}
