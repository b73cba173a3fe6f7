import type BetterSqlite3 from 'better-sqlite3';
import type { WriterOperation } from '../storage/sqlite/writer-thread';
import { ApiKeyStore, type ApiKeyInfo, type StoredApiKey } from './api-key-store';

/** Names of the writer-thread operations that manage API keys. */
export const apiKeyOperationNames = { insert: 'apiKeys.insert', revoke: 'apiKeys.revoke' } as const;

/** Arguments of the revoke operation. */
export interface RevokeApiKeyArgs {
  id: string;
  revokedAt: string;
}

// Statements are prepared once per connection; the writer keeps one connection for its lifetime.
const stores = new WeakMap<BetterSqlite3.Database, ApiKeyStore>();

function storeFor(connection: BetterSqlite3.Database): ApiKeyStore {
  let store = stores.get(connection);
  if (store === undefined) {
    store = new ApiKeyStore(connection);
    stores.set(connection, store);
  }
  return store;
}

/** Inserts a key row; runs in the writer thread or, for the offline command, on its own connection. */
export function insertApiKey(connection: BetterSqlite3.Database, key: StoredApiKey): null {
  storeFor(connection).insert(key);
  return null;
}

/** Revokes a key; returns it, or null when no key has the id. */
export function revokeApiKey(connection: BetterSqlite3.Database, args: RevokeApiKeyArgs): ApiKeyInfo | null {
  return storeFor(connection).revoke(args.id, args.revokedAt) ?? null;
}

/** The key management operations, for `runWriterThread({ operations })`. */
export const apiKeyOperations: Record<string, WriterOperation> = {
  [apiKeyOperationNames.insert]: insertApiKey as WriterOperation,
  [apiKeyOperationNames.revoke]: revokeApiKey as WriterOperation,
};
