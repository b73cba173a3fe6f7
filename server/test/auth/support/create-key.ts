import { ApiKeyAdmin } from '../../../src/auth/api-key-admin';
import type { ApiScope } from '../../../src/ledger/caller';
import type { RunningServer } from '../../../src/start-server';

/** Creates an API key through the running server's writer thread and returns the key and its id. */
export async function createKey(server: RunningServer, orgId: string, options: { scopes?: ApiScope[]; expiresAt?: Date } = {}): Promise<{ key: string; id: string }> {
  const created = await ApiKeyAdmin.forServer(server.store).create({ orgId, ...options });
  return { key: created.secret, id: created.key.id };
}
