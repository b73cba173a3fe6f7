import type BetterSqlite3 from 'better-sqlite3';
import { workflowLimits } from '../../../../contracts';
import { createIdGenerator } from '../../ledger/event-id';
import type {
  CreateWorkflowResult,
  DeleteWorkflowResult,
  NewWorkflow,
  OrgScope,
  RotateSecretResult,
  UpdateWorkflowResult,
  WorkflowChanges,
  WorkflowRecord,
} from '../../workflows/workflow-store';
import type { WorkflowsTable } from '../workflow-tables';
import { CompiledStatements } from './compiled-statements';
import { orgKey, scopeCondition, selectWorkflows, toWorkflowRecord, type WorkflowSelectRow } from './workflow-rows';
import { workflowQueryBuilder } from './workflow-query-builder';
import type { WorkflowTriggers } from './workflow-triggers';

/** Error of queued runs whose workflow was deleted. */
export const workflowDeletedError = 'the workflow was deleted before the run finished';

/**
 * Writes to workflows and their secrets, run by the writer thread. Every change invalidates
 * the trigger cache, so the next append uses the change.
 */
export class WorkflowWriterOperations {
  private readonly nextWorkflowId = createIdGenerator('wf_');
  private statements: CompiledStatements | undefined;

  constructor(
    private readonly triggers: WorkflowTriggers,
    private readonly notifyRunsDue: () => void,
  ) {}

  create(connection: BetterSqlite3.Database, args: { workflow: NewWorkflow; now: number }): CreateWorkflowResult {
    return connection.transaction((): CreateWorkflowResult => {
      const db = this.on(connection);
      const { workflow, now } = args;
      const count = db.get<{ count: number }>(
        workflowQueryBuilder
          .selectFrom('workflows')
          .select((eb) => eb.fn.countAll<number>().as('count'))
          .where(orgKey, '=', workflow.orgId ?? '')
          .where('deleted_at', 'is', null),
      );
      if ((count?.count ?? 0) >= workflowLimits.maxWorkflowsPerOrg) return { ok: false, reason: 'too-many', limit: workflowLimits.maxWorkflowsPerOrg };
      const existing = this.findByName(db, workflow.orgId, workflow.name);
      if (existing !== undefined) return { ok: false, reason: 'name-taken', existingId: existing.id };

      const id = this.insert(db, workflow, now);
      this.triggers.invalidate();
      return { ok: true, workflow: this.load(db, id, undefined, now)! };
    }).immediate();
  }

  update(connection: BetterSqlite3.Database, args: { id: string; scope: OrgScope; changes: WorkflowChanges; now: number }): UpdateWorkflowResult {
    return connection.transaction((): UpdateWorkflowResult => {
      const db = this.on(connection);
      const { id, scope, changes, now } = args;
      const current = this.load(db, id, scope, now);
      if (current === undefined) return { ok: false, reason: 'not-found' };
      const onlyEnabled = Object.entries(changes).every(([key, value]) => key === 'enabled' || value === undefined);
      if (current.kind === 'code' && !onlyEnabled) return { ok: false, reason: 'defined-in-code' };
      if (changes.name !== undefined && changes.name !== current.name) {
        const existing = this.findByName(db, current.orgId, changes.name);
        if (existing !== undefined) return { ok: false, reason: 'name-taken', existingId: existing.id };
      }

      db.run(workflowQueryBuilder.updateTable('workflows').set(this.columnsOf(changes, now)).where('id', '=', id));
      this.triggers.invalidate();
      // Queued runs of a disabled workflow wait; enabling it makes them due again.
      if (changes.enabled === true && !current.enabled) this.notifyRunsDue();
      return { ok: true, workflow: this.load(db, id, scope, now)! };
    }).immediate();
  }

  delete(connection: BetterSqlite3.Database, args: { id: string; scope: OrgScope; now: number }): DeleteWorkflowResult {
    return connection.transaction((): DeleteWorkflowResult => {
      const db = this.on(connection);
      const current = this.load(db, args.id, args.scope, args.now);
      if (current === undefined) return { ok: false, reason: 'not-found' };
      if (current.kind === 'code') return { ok: false, reason: 'defined-in-code' };
      const deadRuns = this.markDeleted(db, args.id, args.now);
      this.triggers.invalidate();
      return { ok: true, id: args.id, deletedAt: args.now, deadRuns };
    }).immediate();
  }

  rotateSecret(
    connection: BetterSqlite3.Database,
    args: { id: string; scope: OrgScope; secret: string; previousExpiresAt: number; now: number },
  ): RotateSecretResult {
    return connection.transaction((): RotateSecretResult => {
      const db = this.on(connection);
      const current = this.load(db, args.id, args.scope, args.now);
      if (current === undefined) return { ok: false, reason: 'not-found' };
      if (current.kind !== 'webhook') return { ok: false, reason: 'no-secret' };
      const previousSecretExpiresAt = this.replaceSecret(db, args.id, args.secret, args.previousExpiresAt, args.now);
      db.run(workflowQueryBuilder.updateTable('workflows').set({ updated_at: args.now }).where('id', '=', args.id));
      return { ok: true, previousSecretExpiresAt };
    }).immediate();
  }

  /** Returns a workflow that is not deleted, in the scope. */
  load(db: CompiledStatements, id: string, scope: OrgScope, now: number): WorkflowRecord | undefined {
    const row = db.get<WorkflowSelectRow>(
      selectWorkflows(now).where('workflows.id', '=', id).where('workflows.deleted_at', 'is', null).where(scopeCondition(scope)),
    );
    return row === undefined ? undefined : toWorkflowRecord(row);
  }

  findByName(db: CompiledStatements, orgId: string | null, name: string): { id: string; source: WorkflowsTable['source'] } | undefined {
    return db.get(
      workflowQueryBuilder
        .selectFrom('workflows')
        .select(['id', 'source'])
        .where(orgKey, '=', orgId ?? '')
        .where('name', '=', name)
        .where('deleted_at', 'is', null),
    );
  }

  /** Inserts a workflow and its first secret; returns the new id. */
  insert(db: CompiledStatements, workflow: NewWorkflow, now: number): string {
    const id = this.nextWorkflowId();
    db.run(
      workflowQueryBuilder.insertInto('workflows').values({
        id,
        org_id: workflow.orgId,
        name: workflow.name,
        kind: workflow.kind,
        source: workflow.source,
        pattern: workflow.pattern,
        url: workflow.url,
        max_attempts: workflow.retry.maxAttempts,
        initial_delay_ms: workflow.retry.initialDelayMs,
        max_delay_ms: workflow.retry.maxDelayMs,
        enabled: workflow.enabled ? 1 : 0,
        created_at: now,
        updated_at: now,
      }),
    );
    if (workflow.secret !== null) {
      db.run(workflowQueryBuilder.insertInto('workflow_secrets').values({ workflow_id: id, secret: workflow.secret, created_at: now }));
    }
    return id;
  }

  /** Marks a workflow deleted and its queued runs dead; returns the number of runs that became dead. */
  markDeleted(db: CompiledStatements, id: string, now: number): number {
    db.run(workflowQueryBuilder.updateTable('workflows').set({ deleted_at: now, updated_at: now }).where('id', '=', id));
    return db.run(
      workflowQueryBuilder
        .updateTable('workflow_runs')
        .set({ status: 'dead', next_attempt_at: null, last_error: workflowDeletedError, completed_at: now })
        .where('workflow_id', '=', id)
        .where('status', 'in', ['pending', 'retrying']),
    );
  }

  /**
   * Makes `secret` the active secret. The replaced one signs until `previousExpiresAt`, and
   * secrets replaced by earlier rotations stop now, so a delivery carries two signatures at
   * most. Returns when the replaced secret stops, or null when it stopped at once.
   */
  replaceSecret(db: CompiledStatements, id: string, secret: string, previousExpiresAt: number, now: number): number | null {
    const secrets = workflowQueryBuilder.deleteFrom('workflow_secrets').where('workflow_id', '=', id);
    db.run(secrets.where('expires_at', 'is not', null));
    const keepsSigning = previousExpiresAt > now;
    if (keepsSigning) {
      db.run(workflowQueryBuilder.updateTable('workflow_secrets').set({ expires_at: previousExpiresAt }).where('workflow_id', '=', id).where('expires_at', 'is', null));
    } else {
      db.run(secrets.where('expires_at', 'is', null));
    }
    db.run(workflowQueryBuilder.insertInto('workflow_secrets').values({ workflow_id: id, secret, created_at: now }));
    return keepsSigning ? previousExpiresAt : null;
  }

  /** Returns the active secret of a workflow. */
  activeSecret(db: CompiledStatements, id: string): string | undefined {
    const row = db.get<{ secret: string }>(
      workflowQueryBuilder.selectFrom('workflow_secrets').select('secret').where('workflow_id', '=', id).where('expires_at', 'is', null),
    );
    return row?.secret;
  }

  /** Drops the cached trigger patterns after a write that bypassed the methods above. */
  invalidateTriggers(): void {
    this.triggers.invalidate();
  }

  /** Returns the statement cache of the writer connection. */
  on(connection: BetterSqlite3.Database): CompiledStatements {
    if (this.statements?.connection !== connection) this.statements = new CompiledStatements(connection);
    return this.statements;
  }

  private columnsOf(changes: WorkflowChanges, now: number) {
    return {
      updated_at: now,
      ...(changes.name === undefined ? {} : { name: changes.name }),
      ...(changes.pattern === undefined ? {} : { pattern: changes.pattern }),
      ...(changes.url === undefined ? {} : { url: changes.url }),
      ...(changes.enabled === undefined ? {} : { enabled: changes.enabled ? 1 : 0 }),
      ...(changes.retry === undefined
        ? {}
        : { max_attempts: changes.retry.maxAttempts, initial_delay_ms: changes.retry.initialDelayMs, max_delay_ms: changes.retry.maxDelayMs }),
    };
  }
}
