import type {
  CreatedWorkflow,
  CreateWorkflowInput,
  DeletedWorkflow,
  ListEventRunsInput,
  ListWorkflowRunsInput,
  ListWorkflowsInput,
  ReplayEventInput,
  ReplayResult,
  RotatedSecret,
  RotateSecretInput,
  Run,
  RunIdInput,
  RunPage,
  UpdateWorkflowInput,
  Workflow,
  WorkflowIdInput,
  WorkflowList,
} from './schemas/workflow';

/**
 * The operations the workflow and run procedures call. The server implements them once per
 * request, bound to the caller, so every method reaches only the caller's organisation.
 */
export interface WorkflowsApi {
  create(input: CreateWorkflowInput): Promise<CreatedWorkflow>;
  list(input: ListWorkflowsInput): Promise<WorkflowList>;
  get(input: WorkflowIdInput): Promise<Workflow>;
  update(input: UpdateWorkflowInput): Promise<Workflow>;
  delete(input: WorkflowIdInput): Promise<DeletedWorkflow>;
  rotateSecret(input: RotateSecretInput): Promise<RotatedSecret>;
  listWorkflowRuns(input: ListWorkflowRunsInput): Promise<RunPage>;
  listEventRuns(input: ListEventRunsInput): Promise<RunPage>;
  getRun(input: RunIdInput): Promise<Run>;
  retryRun(input: RunIdInput): Promise<Run>;
  replayEvent(input: ReplayEventInput): Promise<ReplayResult>;
}
