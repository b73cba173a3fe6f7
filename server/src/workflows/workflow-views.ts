import type { Run, Workflow } from '../../../contracts';
import type { RunRecord, WorkflowRecord } from './workflow-store';

/** Converts a stored workflow into the API's view, with ISO 8601 times and no secret. */
export function toWorkflowView(record: WorkflowRecord): Workflow {
  return {
    id: record.id,
    name: record.name,
    on: record.pattern,
    orgId: record.orgId,
    kind: record.kind,
    source: record.source,
    webhook: record.url === null ? null : { url: record.url },
    retry: { ...record.retry },
    enabled: record.enabled,
    previousSecretExpiresAt: isoOrNull(record.previousSecretExpiresAt),
    createdAt: new Date(record.createdAt).toISOString(),
    updatedAt: new Date(record.updatedAt).toISOString(),
  };
}

/** Converts a stored run into the API's view, with ISO 8601 times. */
export function toRunView(record: RunRecord): Run {
  return {
    id: record.id,
    workflowId: record.workflowId,
    workflowName: record.workflowName,
    eventId: record.eventId,
    origin: record.origin,
    status: record.status,
    attempts: record.attempts,
    maxAttempts: record.maxAttempts,
    lastError: record.lastError,
    lastStatus: record.lastStatus,
    lastDurationMs: record.lastDurationMs,
    createdAt: new Date(record.createdAt).toISOString(),
    firstAttemptAt: isoOrNull(record.firstAttemptAt),
    lastAttemptAt: isoOrNull(record.lastAttemptAt),
    nextAttemptAt: isoOrNull(record.nextAttemptAt),
    completedAt: isoOrNull(record.completedAt),
  };
}

function isoOrNull(time: number | null): string | null {
  return time === null ? null : new Date(time).toISOString();
}
