import { sql, type Kysely } from 'kysely';

/**
 * Creates workflows, their signing secrets and their runs. Runs are the outbox of the
 * dispatcher: publishing inserts them in the event's transaction. Two partial indexes keep
 * claiming cheap however many runs have finished: one orders due pending and retrying
 * runs, the other orders the leases of running runs so expired ones can be reclaimed.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await createWorkflows(db);
  await createWorkflowSecrets(db);
  await createWorkflowRuns(db);
}

async function createWorkflows(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('workflows')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('org_id', 'text')
    .addColumn('name', 'text', (column) => column.notNull())
    .addColumn('kind', 'text', (column) => column.notNull().check(sql`kind in ('webhook', 'code')`))
    .addColumn('source', 'text', (column) => column.notNull().check(sql`source in ('api', 'config', 'code')`))
    .addColumn('pattern', 'text', (column) => column.notNull())
    .addColumn('url', 'text')
    .addColumn('max_attempts', 'integer', (column) => column.notNull())
    .addColumn('initial_delay_ms', 'integer', (column) => column.notNull())
    .addColumn('max_delay_ms', 'integer', (column) => column.notNull())
    .addColumn('enabled', 'integer', (column) => column.notNull().check(sql`enabled in (0, 1)`))
    .addColumn('created_at', 'integer', (column) => column.notNull())
    .addColumn('updated_at', 'integer', (column) => column.notNull())
    .addColumn('deleted_at', 'integer')
    .modifyEnd(sql`strict`)
    .execute();

  // Names are unique per organisation among workflows that are not deleted; '' stands for
  // the workflows of every organisation, because NULLs never collide in a unique index.
  await sql`create unique index workflows_name_unique on workflows (coalesce(org_id, ''), name) where deleted_at is null`.execute(db);
}

async function createWorkflowSecrets(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('workflow_secrets')
    .addColumn('seq', 'integer', (column) => column.primaryKey())
    .addColumn('workflow_id', 'text', (column) => column.notNull().references('workflows.id'))
    .addColumn('secret', 'text', (column) => column.notNull())
    .addColumn('created_at', 'integer', (column) => column.notNull())
    .addColumn('expires_at', 'integer')
    .modifyEnd(sql`strict`)
    .execute();
  await db.schema.createIndex('workflow_secrets_workflow').on('workflow_secrets').columns(['workflow_id', 'seq']).execute();
}

// NOTE: finished runs are never deleted, so this table grows with every triggered event.
async function createWorkflowRuns(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('workflow_runs')
    .addColumn('seq', 'integer', (column) => column.primaryKey())
    .addColumn('id', 'text', (column) => column.notNull().unique())
    .addColumn('workflow_id', 'text', (column) => column.notNull().references('workflows.id'))
    .addColumn('event_id', 'text', (column) => column.notNull().references('ledger_events.id'))
    .addColumn('origin', 'text', (column) => column.notNull().check(sql`origin in ('publish', 'replay')`))
    .addColumn('status', 'text', (column) => column.notNull().check(sql`status in ('pending', 'running', 'succeeded', 'retrying', 'dead')`))
    .addColumn('attempts', 'integer', (column) => column.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'integer')
    .addColumn('lease_until', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('last_status', 'integer')
    .addColumn('last_duration_ms', 'integer')
    .addColumn('created_at', 'integer', (column) => column.notNull())
    .addColumn('first_attempt_at', 'integer')
    .addColumn('last_attempt_at', 'integer')
    .addColumn('completed_at', 'integer')
    .modifyEnd(sql`strict`)
    .execute();

  await sql`create index workflow_runs_due on workflow_runs (next_attempt_at) where status in ('pending', 'retrying')`.execute(db);
  await sql`create index workflow_runs_leases on workflow_runs (lease_until) where status = 'running'`.execute(db);
  await db.schema.createIndex('workflow_runs_event').on('workflow_runs').columns(['event_id', 'seq']).execute();
  await db.schema.createIndex('workflow_runs_workflow').on('workflow_runs').columns(['workflow_id', 'seq']).execute();
}
