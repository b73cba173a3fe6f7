import type BetterSqlite3 from 'better-sqlite3';
import type { OrgScope, RunQuery, RunRecord, WorkflowRecord } from '../../workflows/workflow-store';
import { CompiledStatements } from './compiled-statements';
import { scopeCondition, selectRuns, selectWorkflows, toRunRecord, toWorkflowRecord, type RunSelectRow, type WorkflowSelectRow } from './workflow-rows';

/** Read queries of workflows and runs, on the main thread's read-only connection. */
export class WorkflowReader {
  private readonly statements: CompiledStatements;

  constructor(connection: BetterSqlite3.Database) {
    this.statements = new CompiledStatements(connection);
  }

  getWorkflow(id: string, scope: OrgScope, now: number): WorkflowRecord | undefined {
    const query = selectWorkflows(now).where('workflows.id', '=', id).where('workflows.deleted_at', 'is', null).where(scopeCondition(scope));
    const row = this.statements.get<WorkflowSelectRow>(query);
    return row === undefined ? undefined : toWorkflowRecord(row);
  }

  listWorkflows(scope: OrgScope, orgId: string | undefined, now: number): WorkflowRecord[] {
    let query = selectWorkflows(now).where('workflows.deleted_at', 'is', null).where(scopeCondition(scope));
    if (orgId !== undefined) query = query.where('workflows.org_id', '=', orgId);
    return this.statements.all<WorkflowSelectRow>(query.orderBy('workflows.created_at').orderBy('workflows.id')).map(toWorkflowRecord);
  }

  workflowExists(id: string, scope: OrgScope): boolean {
    const query = selectWorkflows(0).where('workflows.id', '=', id).where(scopeCondition(scope));
    return this.statements.get(query) !== undefined;
  }

  getRun(id: string, scope: OrgScope): RunRecord | undefined {
    const row = this.statements.get<RunSelectRow>(selectRuns().where('workflow_runs.id', '=', id).where(scopeCondition(scope)));
    return row === undefined ? undefined : toRunRecord(row);
  }

  listRuns(query: RunQuery): RunRecord[] {
    let select = selectRuns().where(scopeCondition(query.scope));
    if (query.workflowId !== undefined) select = select.where('workflow_runs.workflow_id', '=', query.workflowId);
    if (query.eventId !== undefined) select = select.where('workflow_runs.event_id', '=', query.eventId);
    if (query.status !== undefined) select = select.where('workflow_runs.status', '=', query.status);
    if (query.afterSeq !== undefined) select = select.where('workflow_runs.seq', '>', query.afterSeq);
    if (query.beforeSeq !== undefined) select = select.where('workflow_runs.seq', '<', query.beforeSeq);
    const ordered = select.orderBy('workflow_runs.seq', query.order).limit(query.limit);
    return this.statements.all<RunSelectRow>(ordered).map(toRunRecord);
  }
}
