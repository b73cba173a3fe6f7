import type { StoredEvent } from '../storage/ledger-store';
import type { RetryPolicy } from './retry-policy';

export type WorkflowKind = 'webhook' | 'code';
export type WorkflowSource = 'api' | 'config' | 'code';
export type RunStatus = 'pending' | 'running' | 'succeeded' | 'retrying' | 'dead';
export type RunOrigin = 'publish' | 'replay';

/**
 * Organisation a caller may act on. `undefined` reaches every organisation, which is the
 * case with authentication off. A string also hides workflows of every organisation.
 */
export type OrgScope = string | undefined;

/** A workflow as stored. Times are ms since the Unix epoch. */
export interface WorkflowRecord {
  id: string;
  orgId: string | null;
  name: string;
  kind: WorkflowKind;
  source: WorkflowSource;
  pattern: string;
  url: string | null;
  retry: RetryPolicy;
  enabled: boolean;
  createdAt: number;
  updatedAt: number;
  /** End of the overlap period of a replaced secret that still signs, or null. */
  previousSecretExpiresAt: number | null;
}

/** A run as stored, with the name and current attempt limit of its workflow. */
export interface RunRecord {
  /** Position in creation order, for keyset paging. */
  seq: number;
  id: string;
  workflowId: string;
  workflowName: string;
  eventId: string;
  origin: RunOrigin;
  status: RunStatus;
  attempts: number;
  maxAttempts: number;
  nextAttemptAt: number | null;
  lastError: string | null;
  lastStatus: number | null;
  lastDurationMs: number | null;
  createdAt: number;
  firstAttemptAt: number | null;
  lastAttemptAt: number | null;
  completedAt: number | null;
}

/** A workflow to create. Webhook workflows come with their first secret. */
export type NewWorkflow = Omit<WorkflowRecord, 'id' | 'createdAt' | 'updatedAt' | 'previousSecretExpiresAt'> & {
  secret: string | null;
};

/** Fields of a workflow to change; undefined fields keep their values. */
export interface WorkflowChanges {
  name?: string;
  pattern?: string;
  url?: string;
  retry?: RetryPolicy;
  enabled?: boolean;
}

/** A workflow declared in the workflows file or in code, applied by name at start-up. */
export interface WorkflowDefinition {
  orgId: string | null;
  name: string;
  kind: WorkflowKind;
  pattern: string;
  url: string | null;
  retry: RetryPolicy;
  /** Applied on every start; undefined keeps the stored value (and enables new workflows). */
  enabled?: boolean;
  /** Secret the file pins; when it differs from the active one it replaces it with an overlap. */
  secret?: string;
  /** Secret for a new webhook workflow when the definition pins none. */
  generatedSecret: string | null;
}

export type CreateWorkflowResult =
  | { ok: true; workflow: WorkflowRecord }
  | { ok: false; reason: 'name-taken'; existingId: string }
  | { ok: false; reason: 'too-many'; limit: number };

export type UpdateWorkflowResult =
  | { ok: true; workflow: WorkflowRecord }
  | { ok: false; reason: 'not-found' }
  | { ok: false; reason: 'name-taken'; existingId: string }
  | { ok: false; reason: 'defined-in-code' };

export type DeleteWorkflowResult =
  | { ok: true; id: string; deletedAt: number; deadRuns: number }
  | { ok: false; reason: 'not-found' }
  | { ok: false; reason: 'defined-in-code' };

export type RotateSecretResult =
  | { ok: true; previousSecretExpiresAt: number | null }
  | { ok: false; reason: 'not-found' }
  | { ok: false; reason: 'no-secret' };

export type SyncWorkflowsResult =
  | { ok: true; created: string[]; updated: string[]; deleted: string[] }
  | { ok: false; name: string; orgId: string | null; existingId: string; existingSource: WorkflowSource };

export type RetryRunResult =
  | { ok: true; run: RunRecord }
  | { ok: false; reason: 'not-found' }
  | { ok: false; reason: 'not-dead'; status: RunStatus }
  | { ok: false; reason: 'workflow-deleted' };

/** A run claimed for one attempt, with everything the attempt needs. */
export interface ClaimedRun {
  runId: string;
  /** Number of this attempt, from 1. Recording its result requires the same number. */
  attempt: number;
  workflow: { id: string; name: string; kind: WorkflowKind; url: string | null; retry: RetryPolicy };
  /** Secrets that sign the delivery: the active one first, then replaced ones still in their overlap. */
  secrets: string[];
  event: StoredEvent;
}

/** A run whose lease expired during its last allowed attempt, so it became dead when claimed. */
export interface ExpiredRun {
  runId: string;
  workflowId: string;
  eventId: string;
  attempts: number;
  error: string;
}

export interface ClaimResult {
  runs: ClaimedRun[];
  expired: ExpiredRun[];
  /** Earliest time another run becomes claimable, or null when none is waiting. */
  nextDueAt: number | null;
}

/** Outcome of one attempt, to record for its run. */
export interface AttemptRecord {
  runId: string;
  attempt: number;
  status: 'succeeded' | 'retrying' | 'dead';
  /** Set with status 'retrying'. */
  nextAttemptAt: number | null;
  error: string | null;
  httpStatus: number | null;
  durationMs: number;
  finishedAt: number;
}

/** Result of recording one attempt. */
export interface RecordedAttempt {
  runId: string;
  /** False when the run was claimed again meanwhile, so this result was dropped. */
  applied: boolean;
  /** Status written; 'dead' replaces 'retrying' when the workflow was deleted meanwhile. */
  status: AttemptRecord['status'];
}

/** Filters and keyset position of a run listing. */
export interface RunQuery {
  workflowId?: string;
  eventId?: string;
  status?: RunStatus;
  scope: OrgScope;
  afterSeq?: number;
  beforeSeq?: number;
  order: 'asc' | 'desc';
  limit: number;
}

/**
 * Storage of workflows and runs. The domain depends on this interface only, so the embedded
 * SQLite store and a server database can be swapped without touching it. Publishing creates
 * runs inside the event's own transaction, so a stored event never lacks its runs.
 */
export interface WorkflowStore {
  createWorkflow(workflow: NewWorkflow, now: number): Promise<CreateWorkflowResult>;
  updateWorkflow(id: string, scope: OrgScope, changes: WorkflowChanges, now: number): Promise<UpdateWorkflowResult>;
  /** Marks the workflow deleted and its pending and retrying runs dead. */
  deleteWorkflow(id: string, scope: OrgScope, now: number): Promise<DeleteWorkflowResult>;
  /** Makes `secret` the active secret; the replaced one keeps signing until `previousExpiresAt`. */
  rotateSecret(id: string, scope: OrgScope, secret: string, previousExpiresAt: number, now: number): Promise<RotateSecretResult>;
  /**
   * Creates or updates the definitions of one source by organisation and name, and deletes
   * the workflows of that source that the definitions no longer contain. Fails without
   * changes when a name belongs to a workflow of another source.
   */
  syncWorkflows(source: 'config' | 'code', definitions: WorkflowDefinition[], now: number, overlapMs: number): Promise<SyncWorkflowsResult>;
  getWorkflow(id: string, scope: OrgScope): Promise<WorkflowRecord | undefined>;
  /** Returns workflows that are not deleted, oldest first. */
  listWorkflows(scope: OrgScope, orgId: string | undefined): Promise<WorkflowRecord[]>;
  /** True when the workflow exists in the scope, also after it was deleted. */
  workflowExists(id: string, scope: OrgScope): Promise<boolean>;

  getRun(id: string, scope: OrgScope): Promise<RunRecord | undefined>;
  listRuns(query: RunQuery): Promise<RunRecord[]>;
  /** Claims up to `limit` due runs and runs with expired leases for one attempt each. */
  claimRuns(limit: number, leaseMs: number, now: number): Promise<ClaimResult>;
  recordAttempts(records: AttemptRecord[]): Promise<RecordedAttempt[]>;
  /** Hands back claimed runs whose attempts a shutdown cut short, so they are due at once. */
  releaseRuns(runs: Array<{ runId: string; attempt: number }>, now: number): Promise<void>;
  /** Queues a dead run again with its attempt count reset. */
  retryRun(id: string, scope: OrgScope, now: number): Promise<RetryRunResult>;
  /** Creates a new run for every enabled workflow in the scope that matches the stored event. */
  replayEvent(eventId: string, scope: OrgScope, skipSucceeded: boolean, now: number): Promise<RunRecord[]>;
  /** Calls `listener` soon after runs became due; returns a function that unsubscribes. */
  onRunsDue(listener: () => void): () => void;
}
