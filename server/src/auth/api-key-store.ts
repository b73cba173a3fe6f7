import type BetterSqlite3 from 'better-sqlite3';
import type { Selectable } from 'kysely';
import { apiScopes, type ApiScope } from '../ledger/caller';
import type { ApiKeysTable } from '../storage/database-schema';
import { compileQuery, queryBuilder } from '../storage/sqlite/query-builder';

/** An API key as listed: everything but the secret and its hash. Times are ISO 8601 UTC. */
export interface ApiKeyInfo {
  id: string;
  orgId: string;
  name: string | null;
  scopes: ApiScope[];
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
}

/** An API key row as stored: the listed fields and the SHA-256 of the secret. */
export interface StoredApiKey extends ApiKeyInfo {
  secretHash: string;
}

type ApiKeyRow = Selectable<ApiKeysTable>;

const infoColumns = ['id', 'org_id', 'name', 'scopes', 'created_at', 'expires_at', 'revoked_at'] as const;

/**
 * Synchronous queries of the `api_keys` table on one connection. The writer thread and the
 * offline `keys` command write through it; the server's authenticator only calls
 * `findBySecretHash`, on the read-only connection.
 */
export class ApiKeyStore {
  private readonly statements;

  constructor(connection: BetterSqlite3.Database) {
    const keys = queryBuilder.selectFrom('api_keys').select(infoColumns);
    this.statements = {
      insert: connection.prepare(
        compileQuery(
          queryBuilder.insertInto('api_keys').values({
            id: '', secret_hash: '', org_id: '', name: null, scopes: '', created_at: '', expires_at: null, revoked_at: null,
          }),
        ).sql,
      ),
      byId: connection.prepare(compileQuery(keys.where('id', '=', '')).sql),
      bySecretHash: connection.prepare(compileQuery(keys.where('secret_hash', '=', '')).sql),
      all: connection.prepare(compileQuery(keys.orderBy('created_at').orderBy('id')).sql),
      byOrg: connection.prepare(compileQuery(keys.where('org_id', '=', '').orderBy('created_at').orderBy('id')).sql),
      revoke: connection.prepare(
        compileQuery(queryBuilder.updateTable('api_keys').set({ revoked_at: '' }).where('id', '=', '').where('revoked_at', 'is', null)).sql,
      ),
    };
  }

  insert(key: StoredApiKey): void {
    this.statements.insert.run(key.id, key.secretHash, key.orgId, key.name, key.scopes.join(','), key.createdAt, key.expiresAt, null);
  }

  get(id: string): ApiKeyInfo | undefined {
    return toInfo(this.statements.byId.get(id) as ApiKeyRow | undefined);
  }

  findBySecretHash(secretHash: string): ApiKeyInfo | undefined {
    return toInfo(this.statements.bySecretHash.get(secretHash) as ApiKeyRow | undefined);
  }

  /** Lists keys oldest first, of one organisation or of all. */
  list(filter: { orgId?: string } = {}): ApiKeyInfo[] {
    const rows = (filter.orgId === undefined ? this.statements.all.all() : this.statements.byOrg.all(filter.orgId)) as ApiKeyRow[];
    return rows.map((row) => toInfo(row)!);
  }

  /** Marks a key revoked at `revokedAt` unless it already is; returns the key, or undefined when no key has this id. */
  revoke(id: string, revokedAt: string): ApiKeyInfo | undefined {
    this.statements.revoke.run(revokedAt, id);
    return this.get(id);
  }
}

function toInfo(row: ApiKeyRow | undefined): ApiKeyInfo | undefined {
  if (row === undefined) return undefined;
  return {
    id: row.id,
    orgId: row.org_id,
    name: row.name,
    scopes: parseStoredScopes(row.scopes),
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
  };
}

/** Reads the stored scope list; a scope this version does not know grants nothing. */
function parseStoredScopes(text: string): ApiScope[] {
  return text.split(',').filter((scope): scope is ApiScope => (apiScopes as readonly string[]).includes(scope));
}
