import { ApiError, orgIdSchema, retryPolicyInputSchema, workflowNameSchema, type Event, type RetryPolicyInput } from '../../../contracts';
import type { RetryPolicy } from './retry-policy';
import { mergeRetryPolicy } from './workflow-input-checks';
import { parseTriggerPattern } from './trigger-pattern';

/** Context of one attempt, passed to a code workflow's handler with the event. */
export interface WorkflowContext {
  /**
   * Aborted when the attempt times out (WORKFLOW_CODE_TIMEOUT_MS) or the server shuts down.
   * The attempt counts as failed at that moment whether or not the handler stops.
   */
  signal: AbortSignal;
  /** Run id, the same for every attempt of the run, so handlers can drop duplicates. */
  runId: string;
  /** Number of this attempt, from 1. */
  attempt: number;
}

/**
 * Handles one event. Returning (or resolving) marks the run succeeded. Throwing (or rejecting)
 * fails the attempt, which is retried under the retry policy unless the error is a
 * PermanentWorkflowError.
 */
export type WorkflowHandler = (event: Event, context: WorkflowContext) => unknown;

/** A workflow whose target is a handler in the server process. */
export interface CodeWorkflow {
  /** Unique among the workflows of its organisation; it keys the workflow's stored row. */
  readonly name: string;
  /** Trigger pattern, such as `support.ticket.*` or `support.>`. */
  readonly on: string;
  /** Only events of this organisation trigger the workflow; without it, every organisation's do. */
  readonly orgId?: string;
  /** Retry limits; missing fields take the defaults (8 attempts, 1 s, 300 s). */
  readonly retry?: RetryPolicyInput;
  readonly handler: WorkflowHandler;
}

/** A failure that retrying cannot fix. Thrown by a handler, it makes the run dead at once. */
export class PermanentWorkflowError extends Error {
  override readonly name = 'PermanentWorkflowError';
}

/**
 * Checks and freezes a code workflow definition for `startServer(config, logger, { workflows })`.
 * Its runs are stored like webhook runs, so they survive restarts and are retried after a
 * crash. Throws a TypeError naming the invalid field.
 */
export function defineWorkflow(definition: CodeWorkflow): CodeWorkflow {
  const label = `workflow ${JSON.stringify(definition.name)}`;
  const name = workflowNameSchema.safeParse(definition.name);
  if (!name.success) throw new TypeError(`defineWorkflow: ${name.error.issues[0]?.message ?? 'name is invalid'}`);
  const pattern = parseTriggerPattern(definition.on);
  if (!pattern.ok) throw new TypeError(`defineWorkflow: ${label}: on: ${pattern.message}`);
  if (definition.orgId !== undefined) {
    const orgId = orgIdSchema.safeParse(definition.orgId);
    if (!orgId.success) throw new TypeError(`defineWorkflow: ${label}: ${orgId.error.issues[0]?.message ?? 'orgId is invalid'}`);
  }
  if (typeof definition.handler !== 'function') throw new TypeError(`defineWorkflow: ${label}: handler must be a function`);
  codeRetryPolicy(definition);
  return Object.freeze({ ...definition });
}

/** Returns the complete retry policy of a code workflow; throws a TypeError for an invalid one. */
export function codeRetryPolicy(definition: CodeWorkflow): RetryPolicy {
  const label = `workflow ${JSON.stringify(definition.name)}`;
  const parsed = retryPolicyInputSchema.optional().safeParse(definition.retry);
  if (!parsed.success) throw new TypeError(`defineWorkflow: ${label}: ${parsed.error.issues[0]?.message ?? 'retry is invalid'}`);
  try {
    return mergeRetryPolicy(parsed.data);
  } catch (error) {
    if (error instanceof ApiError) throw new TypeError(`defineWorkflow: ${label}: ${error.message}`);
    throw error;
  }
}
