import { formatTable } from '../cli/format-table';
import type { ApiKeyInfo } from './api-key-store';

/** Returns a key's state at `now`: active, revoked or expired. */
export function apiKeyStatus(key: ApiKeyInfo, now: Date): 'active' | 'revoked' | 'expired' {
  if (key.revokedAt !== null) return 'revoked';
  if (key.expiresAt !== null && Date.parse(key.expiresAt) <= now.getTime()) return 'expired';
  return 'active';
}

/** Formats keys as a table. It cannot contain secrets, because they are not stored. */
export function formatApiKeyTable(keys: readonly ApiKeyInfo[], now: Date): string {
  const headers = ['ID', 'ORG', 'STATUS', 'SCOPES', 'CREATED', 'EXPIRES', 'NAME'];
  const rows = keys.map((key) => [
    key.id,
    key.orgId,
    apiKeyStatus(key, now),
    key.scopes.join(','),
    key.createdAt,
    key.expiresAt ?? 'never',
    key.name ?? '',
  ]);
  return formatTable(headers, rows);
}
