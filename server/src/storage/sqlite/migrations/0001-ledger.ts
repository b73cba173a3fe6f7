import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';

/**
 * Creates the ledger: one row per event, hash-chained per organisation. The database enforces
 * the ledger's rules itself: sequence numbers are unique, each organisation's chain cannot fork
 * (UNIQUE org_id, prev_hash), and triggers reject every UPDATE and DELETE.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('ledger_events')
    .addColumn('seq', 'integer', (column) => column.primaryKey())
    .addColumn('id', 'text', (column) => column.notNull().unique())
    .addColumn('org_id', 'text', (column) => column.notNull())
    .addColumn('type', 'text', (column) => column.notNull())
    .addColumn('actor_id', 'text', (column) => column.notNull())
    .addColumn('actor', 'text', (column) => column.notNull())
    .addColumn('payload', 'text', (column) => column.notNull())
    .addColumn('timestamp', 'text', (column) => column.notNull())
    .addColumn('prev_hash', 'text', (column) => column.notNull())
    .addColumn('hash', 'text', (column) => column.notNull())
    .addUniqueConstraint('ledger_events_chain_unique', ['org_id', 'prev_hash'])
    .modifyEnd(sql`strict`)
    .execute();

  await db.schema.createIndex('ledger_events_type').on('ledger_events').columns(['type', 'seq']).execute();
  await db.schema.createIndex('ledger_events_org_type').on('ledger_events').columns(['org_id', 'type', 'seq']).execute();
  await db.schema.createIndex('ledger_events_org').on('ledger_events').columns(['org_id', 'seq']).execute();
  await db.schema.createIndex('ledger_events_actor').on('ledger_events').columns(['actor_id', 'seq']).execute();
  await db.schema.createIndex('ledger_events_timestamp').on('ledger_events').columns(['timestamp']).execute();

  await sql`create trigger ledger_events_no_update before update on ledger_events
    begin select raise(abort, 'the ledger is append-only: UPDATE is not allowed'); end`.execute(db);
  await sql`create trigger ledger_events_no_delete before delete on ledger_events
    begin select raise(abort, 'the ledger is append-only: DELETE is not allowed'); end`.execute(db);

  await db.schema
    .createTable('idempotency_keys')
    .addColumn('org_id', 'text', (column) => column.notNull())
    .addColumn('key', 'text', (column) => column.notNull())
    .addColumn('request_hash', 'text', (column) => column.notNull())
    .addColumn('event_seq', 'integer', (column) => column.notNull().references('ledger_events.seq'))
    .addPrimaryKeyConstraint('idempotency_keys_pk', ['org_id', 'key'])
    .modifyEnd(sql`strict, without rowid`)
    .execute();

  await db.schema
    .createTable('ledger_meta')
    .addColumn('key', 'text', (column) => column.primaryKey())
    .addColumn('value', 'text', (column) => column.notNull())
    .modifyEnd(sql`strict`)
    .execute();

  // The cursor secret signs page cursors, so a forged or edited cursor is detected.
  await db
    .insertInto('ledger_meta' as never)
    .values({ key: 'cursor_secret', value: randomBytes(32).toString('hex') } as never)
    .execute();
}
