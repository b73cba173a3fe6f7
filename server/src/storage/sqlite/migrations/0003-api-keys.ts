import { sql, type Kysely } from 'kysely';

/**
 * Creates `api_keys`: one row per API key, holding the SHA-256 of the secret and never the
 * secret itself. Rows are never deleted, so a revoked key stays listed with the time it was
 * revoked. Timestamps are ISO 8601 UTC text, which sorts and compares as time.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('api_keys')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('secret_hash', 'text', (column) => column.notNull().unique())
    .addColumn('org_id', 'text', (column) => column.notNull())
    .addColumn('name', 'text')
    // Comma-separated scopes in a fixed order, such as `events:read,events:write`.
    .addColumn('scopes', 'text', (column) => column.notNull())
    .addColumn('created_at', 'text', (column) => column.notNull())
    .addColumn('expires_at', 'text')
    .addColumn('revoked_at', 'text')
    .modifyEnd(sql`strict`)
    .execute();

  await db.schema.createIndex('api_keys_org').on('api_keys').columns(['org_id', 'created_at']).execute();
}
