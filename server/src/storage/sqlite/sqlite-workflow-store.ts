import type {
  AttemptRecord,
  ClaimResult,
  CreateWorkflowResult,
  DeleteWorkflowResult,
  NewWorkflow,
  OrgScope,
  RecordedAttempt,
  RetryRunResult,
  RotateSecretResult,
  RunQuery,
  RunRecord,
  SyncWorkflowsResult,
  UpdateWorkflowResult,
  WorkflowChanges,
  WorkflowDefinition,
  WorkflowRecord,
  WorkflowStore,
} from '../../workflows/workflow-store';
import { subscribeRunsDue } from './runs-due-channel';
import type { SqliteLedgerStore } from './sqlite-ledger-store';
import { WorkflowReader } from './workflow-reader';
import { workflowOperationNames as names } from './workflow-writer-extension';

/**
 * Workflows and runs in the ledger's SQLite database. Writes are named operations of the
 * ledger's writer thread; reads use the main thread's read-only connection.
 */
export class SqliteWorkflowStore implements WorkflowStore {
  private readonly reader: WorkflowReader;

  constructor(
    private readonly ledger: SqliteLedgerStore,
    private readonly databasePath: string,
  ) {
    this.reader = new WorkflowReader(ledger.readerConnection);
  }

  createWorkflow(workflow: NewWorkflow, now: number): Promise<CreateWorkflowResult> {
    return this.ledger.call(names.create, { workflow, now });
  }

  updateWorkflow(id: string, scope: OrgScope, changes: WorkflowChanges, now: number): Promise<UpdateWorkflowResult> {
    return this.ledger.call(names.update, { id, scope, changes, now });
  }

  deleteWorkflow(id: string, scope: OrgScope, now: number): Promise<DeleteWorkflowResult> {
    return this.ledger.call(names.delete, { id, scope, now });
  }

  rotateSecret(id: string, scope: OrgScope, secret: string, previousExpiresAt: number, now: number): Promise<RotateSecretResult> {
    return this.ledger.call(names.rotateSecret, { id, scope, secret, previousExpiresAt, now });
  }

  syncWorkflows(source: 'config' | 'code', definitions: WorkflowDefinition[], now: number, overlapMs: number): Promise<SyncWorkflowsResult> {
    return this.ledger.call(names.sync, { source, definitions, now, overlapMs });
  }

  async getWorkflow(id: string, scope: OrgScope): Promise<WorkflowRecord | undefined> {
    return this.reader.getWorkflow(id, scope, Date.now());
  }

  async listWorkflows(scope: OrgScope, orgId: string | undefined): Promise<WorkflowRecord[]> {
    return this.reader.listWorkflows(scope, orgId, Date.now());
  }

  async workflowExists(id: string, scope: OrgScope): Promise<boolean> {
    return this.reader.workflowExists(id, scope);
  }

  async getRun(id: string, scope: OrgScope): Promise<RunRecord | undefined> {
    return this.reader.getRun(id, scope);
  }

  async listRuns(query: RunQuery): Promise<RunRecord[]> {
    return this.reader.listRuns(query);
  }

  claimRuns(limit: number, leaseMs: number, now: number): Promise<ClaimResult> {
    return this.ledger.call(names.claim, { limit, leaseMs, now });
  }

  recordAttempts(records: AttemptRecord[]): Promise<RecordedAttempt[]> {
    return this.ledger.call(names.record, { records });
  }

  releaseRuns(runs: Array<{ runId: string; attempt: number }>, now: number): Promise<void> {
    return this.ledger.call(names.release, { runs, now });
  }

  retryRun(id: string, scope: OrgScope, now: number): Promise<RetryRunResult> {
    return this.ledger.call(names.retry, { id, scope, now });
  }

  replayEvent(eventId: string, scope: OrgScope, skipSucceeded: boolean, now: number): Promise<RunRecord[]> {
    return this.ledger.call(names.replay, { eventId, scope, skipSucceeded, now });
  }

  onRunsDue(listener: () => void): () => void {
    return subscribeRunsDue(this.databasePath, listener);
  }
}
