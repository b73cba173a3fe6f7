import { sql } from 'kysely';
import type { OrgScope, RunRecord, WorkflowRecord } from '../../workflows/workflow-store';
import type { WorkflowRow, WorkflowRunRow } from '../workflow-tables';
import { workflowQueryBuilder } from './workflow-query-builder';

type WorkflowSelectRow = WorkflowRow & { previous_secret_expires_at: number | null };
type RunSelectRow = WorkflowRunRow & { workflow_name: string; max_attempts: number };

/** Selects workflows with the end of a replaced secret's overlap; deleted ones included. */
export function selectWorkflows(now: number) {
  return workflowQueryBuilder
    .selectFrom('workflows')
    .selectAll('workflows')
    .select((eb) =>
      eb
        .selectFrom('workflow_secrets')
        .select((inner) => inner.fn.max('workflow_secrets.expires_at').as('expires_at'))
        .whereRef('workflow_secrets.workflow_id', '=', 'workflows.id')
        .where('workflow_secrets.expires_at', '>', now)
        .as('previous_secret_expires_at'),
    );
}

/** Selects runs joined with the name and current attempt limit of their workflow. */
export function selectRuns() {
  return workflowQueryBuilder
    .selectFrom('workflow_runs')
    .innerJoin('workflows', 'workflows.id', 'workflow_runs.workflow_id')
    .selectAll('workflow_runs')
    .select(['workflows.name as workflow_name', 'workflows.max_attempts as max_attempts']);
}

/** SQL for the organisation key of a workflow, where '' stands for every organisation. */
export const orgKey = sql<string>`coalesce(workflows.org_id, '')`;

/** Restricts a query over `workflows` to what a caller of this scope may see. */
export function scopeCondition(scope: OrgScope) {
  return scope === undefined ? sql<boolean>`1 = 1` : sql<boolean>`workflows.org_id = ${scope}`;
}

export function toWorkflowRecord(row: WorkflowSelectRow): WorkflowRecord {
  return {
    id: row.id,
    orgId: row.org_id,
    name: row.name,
    kind: row.kind,
    source: row.source,
    pattern: row.pattern,
    url: row.url,
    retry: { maxAttempts: row.max_attempts, initialDelayMs: row.initial_delay_ms, maxDelayMs: row.max_delay_ms },
    enabled: row.enabled === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    previousSecretExpiresAt: row.previous_secret_expires_at,
  };
}

export function toRunRecord(row: RunSelectRow): RunRecord {
  return {
    seq: row.seq,
    id: row.id,
    workflowId: row.workflow_id,
    workflowName: row.workflow_name,
    eventId: row.event_id,
    origin: row.origin,
    status: row.status,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    nextAttemptAt: row.next_attempt_at,
    lastError: row.last_error,
    lastStatus: row.last_status,
    lastDurationMs: row.last_duration_ms,
    createdAt: row.created_at,
    firstAttemptAt: row.first_attempt_at,
    lastAttemptAt: row.last_attempt_at,
    completedAt: row.completed_at,
  };
}

export type { RunSelectRow, WorkflowSelectRow };
