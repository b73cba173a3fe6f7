import type BetterSqlite3 from 'better-sqlite3';
import type { SyncWorkflowsResult, WorkflowDefinition, WorkflowRecord } from '../../workflows/workflow-store';
import type { CompiledStatements } from './compiled-statements';
import { workflowQueryBuilder } from './workflow-query-builder';
import type { WorkflowWriterOperations } from './workflow-writer-operations';

export interface SyncWorkflowsArgs {
  source: 'config' | 'code';
  definitions: WorkflowDefinition[];
  now: number;
  /** Overlap in ms for a secret that the workflows file replaced. */
  overlapMs: number;
}

/**
 * Applies the workflows of one source in one transaction: creates new names, updates
 * existing ones and deletes workflows of the source that are no longer defined. Nothing
 * changes when a name is already used by a workflow from another source.
 */
export function syncWorkflows(operations: WorkflowWriterOperations, connection: BetterSqlite3.Database, args: SyncWorkflowsArgs): SyncWorkflowsResult {
  return connection.transaction((): SyncWorkflowsResult => {
    const db = operations.on(connection);
    const existing = new Map<WorkflowDefinition, string>();
    for (const definition of args.definitions) {
      const found = operations.findByName(db, definition.orgId, definition.name);
      if (found === undefined) continue;
      if (found.source !== args.source) {
        return { ok: false, name: definition.name, orgId: definition.orgId, existingId: found.id, existingSource: found.source };
      }
      existing.set(definition, found.id);
    }

    const result = { ok: true as const, created: [] as string[], updated: [] as string[], deleted: [] as string[] };
    const kept = new Set<string>();
    for (const definition of args.definitions) {
      const id = existing.get(definition);
      if (id === undefined) {
        kept.add(create(operations, db, args, definition));
        result.created.push(definition.name);
        continue;
      }
      kept.add(id);
      if (update(operations, db, args, definition, id)) result.updated.push(definition.name);
    }

    result.deleted = deleteUndefined(operations, db, args, kept);
    operations.invalidateTriggers();
    return result;
  }).immediate();
}

function create(operations: WorkflowWriterOperations, db: CompiledStatements, args: SyncWorkflowsArgs, definition: WorkflowDefinition): string {
  const { generatedSecret, secret, enabled, ...fields } = definition;
  const firstSecret = fields.kind === 'webhook' ? (secret ?? generatedSecret) : null;
  return operations.insert(db, { ...fields, source: args.source, enabled: enabled ?? true, secret: firstSecret }, args.now);
}

/** Updates a stored workflow to its definition; returns whether anything changed. */
function update(operations: WorkflowWriterOperations, db: CompiledStatements, args: SyncWorkflowsArgs, definition: WorkflowDefinition, id: string): boolean {
  const current = operations.load(db, id, undefined, args.now)!;
  const secretChanged = definition.secret !== undefined && definition.secret !== operations.activeSecret(db, id);
  if (!differs(current, definition) && !secretChanged) return false;

  db.run(
    workflowQueryBuilder
      .updateTable('workflows')
      .set({
        kind: definition.kind,
        pattern: definition.pattern,
        url: definition.url,
        max_attempts: definition.retry.maxAttempts,
        initial_delay_ms: definition.retry.initialDelayMs,
        max_delay_ms: definition.retry.maxDelayMs,
        enabled: (definition.enabled ?? current.enabled) ? 1 : 0,
        updated_at: args.now,
      })
      .where('id', '=', id),
  );
  if (secretChanged && definition.secret !== undefined) {
    operations.replaceSecret(db, id, definition.secret, args.now + args.overlapMs, args.now);
  }
  return true;
}

function differs(current: WorkflowRecord, definition: WorkflowDefinition): boolean {
  return (
    current.kind !== definition.kind ||
    current.pattern !== definition.pattern ||
    current.url !== definition.url ||
    current.retry.maxAttempts !== definition.retry.maxAttempts ||
    current.retry.initialDelayMs !== definition.retry.initialDelayMs ||
    current.retry.maxDelayMs !== definition.retry.maxDelayMs ||
    (definition.enabled !== undefined && definition.enabled !== current.enabled)
  );
}

function deleteUndefined(operations: WorkflowWriterOperations, db: CompiledStatements, args: SyncWorkflowsArgs, kept: Set<string>): string[] {
  const stored = db.all<{ id: string; name: string }>(
    workflowQueryBuilder.selectFrom('workflows').select(['id', 'name']).where('source', '=', args.source).where('deleted_at', 'is', null),
  );
  const deleted: string[] = [];
  for (const row of stored) {
    if (kept.has(row.id)) continue;
    operations.markDeleted(db, row.id, args.now);
    deleted.push(row.name);
  }
  return deleted;
}
