/** Kysely table types of workflows and their runs. Times are integer ms since the Unix epoch. */
import type { Generated, Selectable } from 'kysely';

export interface WorkflowsTable {
  id: string;
  /** Organisation whose events trigger the workflow; null for every organisation. */
  org_id: string | null;
  name: string;
  kind: 'webhook' | 'code';
  /** Origin of the definition: the API, the WORKFLOWS_FILE, or code passed to the server. */
  source: 'api' | 'config' | 'code';
  /** Trigger pattern over event types, as the user wrote it. */
  pattern: string;
  /** Receiver URL of a webhook workflow; null for code workflows. */
  url: string | null;
  max_attempts: number;
  initial_delay_ms: number;
  max_delay_ms: number;
  /** 1 or 0. */
  enabled: number;
  created_at: number;
  updated_at: number;
  /** Set when the workflow was deleted. The row stays, so its runs keep their workflow. */
  deleted_at: number | null;
}

export interface WorkflowSecretsTable {
  seq: Generated<number>;
  workflow_id: string;
  /** Signing secret in `whsec_<base64>` form. Stored as is, because signing needs the key itself. */
  secret: string;
  created_at: number;
  /** Null for the active secret; set when a rotation replaced it, to the end of its overlap period. */
  expires_at: number | null;
}

export interface WorkflowRunsTable {
  seq: Generated<number>;
  id: string;
  workflow_id: string;
  event_id: string;
  origin: 'publish' | 'replay';
  status: 'pending' | 'running' | 'succeeded' | 'retrying' | 'dead';
  /** Attempts started, counted when an attempt is claimed. */
  attempts: number;
  /** When a pending or retrying run becomes due; null in every other status. */
  next_attempt_at: number | null;
  /** When the lease of a running run expires and another dispatcher may claim it; null otherwise. */
  lease_until: number | null;
  last_error: string | null;
  /** HTTP status of the latest webhook response. */
  last_status: number | null;
  last_duration_ms: number | null;
  created_at: number;
  first_attempt_at: number | null;
  last_attempt_at: number | null;
  completed_at: number | null;
}

// A type alias, not an interface, because Kysely's withTables needs an index signature.
export type WorkflowTables = {
  workflows: WorkflowsTable;
  workflow_secrets: WorkflowSecretsTable;
  workflow_runs: WorkflowRunsTable;
};

export type WorkflowRow = Selectable<WorkflowsTable>;
export type WorkflowRunRow = Selectable<WorkflowRunsTable>;
