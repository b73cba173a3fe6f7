import type { Run, Workflow } from '../../../contracts';

/** Column titles of {@link workflowRow}. */
export const workflowColumns = ['ID', 'NAME', 'ON', 'ORG', 'ENABLED', 'SOURCE', 'WEBHOOK'] as const;

/** Returns the table cells of one workflow; `*` in ORG means events of every organisation. */
export function workflowRow(workflow: Workflow): string[] {
  return [
    workflow.id,
    workflow.name,
    workflow.on,
    workflow.orgId ?? '*',
    workflow.enabled ? 'yes' : 'no',
    workflow.source,
    workflow.webhook?.url ?? `(${workflow.kind})`,
  ];
}

/** Column titles of {@link runRow}. */
export const runColumns = ['RUN', 'EVENT', 'STATUS', 'ATTEMPTS', 'HTTP', 'CREATED', 'LAST ERROR'] as const;

/** Returns the table cells of one run; ATTEMPTS shows attempts started out of the maximum. */
export function runRow(run: Run): string[] {
  return [
    run.id,
    run.eventId,
    run.status,
    `${run.attempts}/${run.maxAttempts}`,
    run.lastStatus === null ? '-' : String(run.lastStatus),
    run.createdAt,
    run.lastError ?? '',
  ];
}
