import { z } from 'zod';
import { limits } from '../limits';
import { cursorSchema, describeValue, orderSchema, orgIdSchema, pageSizeSchema, textField } from './primitives';

/** Limits of workflow definitions. Each one is documented in docs/workflows.md; change both together. */
export const workflowLimits = {
  maxNameLength: 100,
  /** Same bound as an event type, because a pattern without wildcards is an event type. */
  maxPatternLength: limits.maxTypeLength,
  maxUrlLength: 2048,
  minAttempts: 1,
  maxAttempts: 50,
  minDelayMs: 1,
  maxInitialDelayMs: 3_600_000,
  maxDelayMs: 86_400_000,
  /** Maximum number of workflows (not deleted) per organisation, and for all organisations together. */
  maxWorkflowsPerOrg: 500,
  /** Default and maximum time in seconds that a replaced secret keeps signing after a rotation. */
  defaultSecretOverlapSeconds: 86_400,
  maxSecretOverlapSeconds: 7 * 86_400,
} as const;

const idSuffix = '[0-9a-hjkmnp-tv-z]{26}';

/** Workflow id: `wf_` and 26 lowercase Crockford base32 characters. */
export const workflowIdSchema = z
  .string({ error: (issue) => `id must be a workflow id such as wf_01jh..., got ${describeValue(issue.input)}` })
  .regex(new RegExp(`^wf_${idSuffix}$`), { error: (issue) => `id must be a workflow id such as wf_01jh..., got ${describeValue(issue.input)}` })
  .describe('Workflow id: `wf_` followed by a 26-character, time-sortable suffix.');

/** Run id: `run_` and 26 lowercase Crockford base32 characters. It is also the `webhook-id` of every delivery of the run. */
export const runIdSchema = z
  .string({ error: (issue) => `id must be a run id such as run_01jh..., got ${describeValue(issue.input)}` })
  .regex(new RegExp(`^run_${idSuffix}$`), { error: (issue) => `id must be a run id such as run_01jh..., got ${describeValue(issue.input)}` })
  .describe('Run id: `run_` followed by a 26-character, time-sortable suffix. Every delivery of the run sends it as `webhook-id`.');

/** Event id as a path parameter of the workflow routes. */
const eventIdParamSchema = z
  .string({ error: (issue) => `id must be an event id, got ${describeValue(issue.input)}` })
  .min(1, { error: 'id must not be empty' })
  .max(limits.maxIdentifierLength, { error: (issue) => `id must be an event id such as evt_01jh..., got ${describeValue(issue.input)}` })
  .describe('The event id, such as `evt_01jh7y3k8m2q9r4t5v6w7x8y9z`.');

/** Workflow name, unique among the workflows of one organisation. */
export const workflowNameSchema = textField('name', workflowLimits.maxNameLength, {
  pattern: /^[A-Za-z0-9][A-Za-z0-9_.:-]*$/,
  hint: 'letters, digits, "_", ".", ":" or "-", starting with a letter or digit, such as "notify-support"',
}).describe('Name of the workflow, unique within its organisation, such as `notify-support`.');

/**
 * Trigger pattern. The schema checks only the text; the server parses the pattern and rejects
 * invalid ones with a message that names the problem.
 */
export const triggerPatternSchema = textField('on', workflowLimits.maxPatternLength, {
  pattern: /^\S+$/,
  hint: 'an event type such as "support.ticket.created", with "*" for one segment or a final ">" for one or more segments',
}).describe(
  'Event types that trigger the workflow: an exact type (`support.ticket.created`), `*` for exactly one segment (`support.ticket.*`), or `>` as the last segment for one or more segments (`support.>`; `>` alone matches every type).',
);

const webhookUrlMessage = `webhook.url must be an absolute http or https URL of at most ${workflowLimits.maxUrlLength} characters`;

/** Receiver URL of a webhook workflow. Whether its host is reachable is checked by the server. */
export const webhookUrlSchema = z
  .string({ error: (issue) => `${webhookUrlMessage}, got ${describeValue(issue.input)}` })
  .max(workflowLimits.maxUrlLength, { error: (issue) => `${webhookUrlMessage}, got ${String(issue.input).length} characters` })
  .superRefine((value, context) => {
    const problem = checkWebhookUrl(value);
    if (problem !== undefined) context.addIssue({ code: 'custom', message: problem });
  })
  .describe('URL that receives a signed POST of each matching event. Only http and https; user names and passwords in the URL are rejected.');

function checkWebhookUrl(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `${webhookUrlMessage}, got ${describeValue(value)}`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return `webhook.url must use http or https, got ${describeValue(url.protocol.slice(0, -1))}`;
  }
  if (url.username !== '' || url.password !== '') {
    return 'webhook.url must not contain a user name or password; receivers authenticate deliveries with the webhook signature';
  }
  return undefined;
}

const integerField = (field: string, min: number, max: number, description: string) => {
  const message = `${field} must be an integer from ${min} to ${max}`;
  return z
    .number({ error: (issue) => `${message}, got ${describeValue(issue.input)}` })
    .int({ error: (issue) => `${message}, got ${describeValue(issue.input)}` })
    .min(min, { error: (issue) => `${message}, got ${describeValue(issue.input)}` })
    .max(max, { error: (issue) => `${message}, got ${describeValue(issue.input)}` })
    .describe(description);
};

/** Retry policy as stored and returned: every field is set. */
export const retryPolicySchema = z
  .object({
    maxAttempts: z.number().int().describe('Total delivery attempts, including the first one.'),
    initialDelayMs: z.number().int().describe('Upper bound in ms of the random delay after the first failed attempt; the bound doubles after each further failure.'),
    maxDelayMs: z.number().int().describe('Upper bound in ms of any single delay, including one that the receiver requested with `Retry-After`.'),
  })
  .meta({ id: 'RetryPolicy' })
  .describe('Retry schedule: exponential backoff with full jitter.');
export type RetryPolicyView = z.infer<typeof retryPolicySchema>;

/** Retry policy as sent: missing fields take the defaults (create) or keep their values (update). */
export const retryPolicyInputSchema = z
  .strictObject(
    {
      maxAttempts: integerField('retry.maxAttempts', workflowLimits.minAttempts, workflowLimits.maxAttempts, 'Total delivery attempts, including the first one. Default 8.').optional(),
      initialDelayMs: integerField('retry.initialDelayMs', workflowLimits.minDelayMs, workflowLimits.maxInitialDelayMs, 'Upper bound in ms of the delay after the first failure. Default 1000.').optional(),
      maxDelayMs: integerField('retry.maxDelayMs', workflowLimits.minDelayMs, workflowLimits.maxDelayMs, 'Upper bound in ms of any single delay. Default 300000 (5 min).').optional(),
    },
    { error: (issue) => objectError('retry', ['maxAttempts', 'initialDelayMs', 'maxDelayMs'], issue) },
  )
  .describe('Retry schedule; omitted fields take the defaults on creation and keep their values on update.');
export type RetryPolicyInput = z.infer<typeof retryPolicyInputSchema>;

const webhookInputSchema = z
  .strictObject({ url: webhookUrlSchema }, { error: (issue) => objectError('webhook', ['url'], issue) })
  .describe('The receiver of the deliveries.');

/** Body of `POST /workflows`. */
export const createWorkflowInputSchema = z
  .strictObject(
    {
      name: workflowNameSchema,
      on: triggerPatternSchema,
      orgId: orgIdSchema
        .optional()
        .describe('Only events of this organisation trigger the workflow. Without it, events of every organisation do. An API key always creates workflows of its own organisation.'),
      webhook: webhookInputSchema,
      retry: retryPolicyInputSchema.optional(),
      enabled: z
        .boolean({ error: (issue) => `enabled must be true or false, got ${describeValue(issue.input)}` })
        .optional()
        .describe('Whether published events create runs. Default true.'),
    },
    { error: (issue) => objectError('the workflow', ['name', 'on', 'orgId', 'webhook', 'retry', 'enabled'], issue) },
  )
  .describe('A webhook workflow to create.');
export type CreateWorkflowInput = z.infer<typeof createWorkflowInputSchema>;

/** Input of `PATCH /workflows/{id}`: the id and the fields to change. */
export const updateWorkflowInputSchema = z
  .strictObject(
    {
      id: workflowIdSchema,
      name: workflowNameSchema.optional(),
      on: triggerPatternSchema.optional(),
      webhook: webhookInputSchema.optional(),
      retry: retryPolicyInputSchema.optional(),
      enabled: z
        .boolean({ error: (issue) => `enabled must be true or false, got ${describeValue(issue.input)}` })
        .optional()
        .describe('false stops new runs and pauses queued runs; true resumes them.'),
    },
    { error: (issue) => objectError('the change', ['name', 'on', 'webhook', 'retry', 'enabled'], issue) },
  )
  .describe('Fields to change; omitted fields keep their values.');
export type UpdateWorkflowInput = z.infer<typeof updateWorkflowInputSchema>;

/** Path input of the routes under `/workflows/{id}`. */
export const workflowIdInputSchema = z.strictObject({ id: workflowIdSchema });
export type WorkflowIdInput = z.infer<typeof workflowIdInputSchema>;

/** Query of `GET /workflows`. */
export const listWorkflowsInputSchema = z
  .strictObject(
    { orgId: orgIdSchema.optional().describe('Only workflows of this organisation. An API key always lists its own organisation.') },
    { error: (issue) => objectError('the query', ['orgId'], issue) },
  )
  .describe('Filters of the workflow list.');
export type ListWorkflowsInput = z.infer<typeof listWorkflowsInputSchema>;

/** Input of `POST /workflows/{id}/rotate-secret`. */
export const rotateSecretInputSchema = z
  .strictObject(
    {
      id: workflowIdSchema,
      overlapSeconds: integerField(
        'overlapSeconds',
        0,
        workflowLimits.maxSecretOverlapSeconds,
        `How long in seconds the replaced secret keeps signing deliveries next to the new one. Default ${workflowLimits.defaultSecretOverlapSeconds} (24 h); 0 stops it at once, for a leaked secret.`,
      ).optional(),
    },
    { error: (issue) => objectError('the request', ['overlapSeconds'], issue) },
  )
  .describe('Secret rotation options.');
export type RotateSecretInput = z.infer<typeof rotateSecretInputSchema>;

export const runStatusSchema = z
  .enum(['pending', 'running', 'succeeded', 'retrying', 'dead'], {
    error: (issue) => `status must be one of pending, running, succeeded, retrying, dead, got ${describeValue(issue.input)}`,
  })
  .describe('`pending`: waiting for its first attempt. `running`: an attempt is under way. `retrying`: an attempt failed and another is scheduled. `succeeded`: an attempt succeeded. `dead`: no attempt is left; `POST /runs/{id}/retry` starts it again.');
export type RunStatus = z.infer<typeof runStatusSchema>;

const runPageFields = {
  status: runStatusSchema.optional().describe('Only runs with this status.'),
  limit: pageSizeSchema('runs'),
  cursor: cursorSchema,
  order: orderSchema
    .describe('`asc` (default) lists the oldest runs first, `desc` the newest first.'),
};
const runPageFieldNames = ['status', 'limit', 'cursor', 'order'];

/** Input of `GET /workflows/{id}/runs`. */
export const listWorkflowRunsInputSchema = z
  .strictObject({ id: workflowIdSchema, ...runPageFields }, { error: (issue) => objectError('the query', runPageFieldNames, issue) })
  .describe('Filters and paging of the runs of one workflow.');
export type ListWorkflowRunsInput = z.infer<typeof listWorkflowRunsInputSchema>;

/** Input of `GET /events/{id}/runs`. */
export const listEventRunsInputSchema = z
  .strictObject({ id: eventIdParamSchema, ...runPageFields }, { error: (issue) => objectError('the query', runPageFieldNames, issue) })
  .describe('Filters and paging of the runs one event triggered.');
export type ListEventRunsInput = z.infer<typeof listEventRunsInputSchema>;

/** Path input of `GET /runs/{id}` and `POST /runs/{id}/retry`. */
export const runIdInputSchema = z.strictObject({ id: runIdSchema });
export type RunIdInput = z.infer<typeof runIdInputSchema>;

/** Input of `POST /events/{id}/replay`. */
export const replayEventInputSchema = z
  .strictObject(
    {
      id: eventIdParamSchema,
      skipSucceeded: z
        .boolean({ error: (issue) => `skipSucceeded must be true or false, got ${describeValue(issue.input)}` })
        .optional()
        .describe('Skip workflows that already have a succeeded run for this event. Default false.'),
    },
    { error: (issue) => objectError('the request', ['skipSucceeded'], issue) },
  )
  .describe('Replay options.');
export type ReplayEventInput = z.infer<typeof replayEventInputSchema>;

const isoTime = (description: string) => z.string().describe(`${description} ISO 8601 UTC with milliseconds.`);

/** A workflow as every read returns it. The secret is never part of it. */
export const workflowSchema = z
  .object({
    id: workflowIdSchema,
    name: z.string().describe('Name, unique within the organisation.'),
    on: z.string().describe('Trigger pattern over event types.'),
    orgId: z.string().nullable().describe('Organisation whose events trigger the workflow; `null` for every organisation.'),
    kind: z.enum(['webhook', 'code']).describe('`webhook` posts to a URL; `code` runs a handler registered in the server process.'),
    source: z
      .enum(['api', 'config', 'code'])
      .describe('Where the workflow is defined: the API, the `WORKFLOWS_FILE` (applied again at every start) or code passed to the server.'),
    webhook: z.object({ url: z.string() }).nullable().describe('The receiver; `null` for code workflows.'),
    retry: retryPolicySchema,
    enabled: z.boolean().describe('Whether published events create runs. Runs of a disabled workflow wait until it is enabled again.'),
    previousSecretExpiresAt: z
      .string()
      .nullable()
      .describe('While a replaced secret still signs deliveries after a rotation: when it stops. Otherwise `null`.'),
    createdAt: isoTime('When the workflow was created:'),
    updatedAt: isoTime('When the workflow last changed:'),
  })
  .meta({ id: 'Workflow' })
  .describe('A workflow: which events trigger it and where they go.');
export type Workflow = z.infer<typeof workflowSchema>;

/** Result of `POST /workflows`: the workflow and its signing secret, which no other response contains. */
export const createdWorkflowSchema = workflowSchema
  .extend({
    secret: z
      .string()
      .describe('Signing secret (`whsec_` and base64) for verifying deliveries per Standard Webhooks. Returned only here and by rotate-secret; store it now.'),
  })
  .meta({ id: 'CreatedWorkflow' })
  .describe('The new workflow with its signing secret.');
export type CreatedWorkflow = z.infer<typeof createdWorkflowSchema>;

export const workflowListSchema = z
  .object({ workflows: z.array(workflowSchema).describe('Workflows, oldest first.') })
  .meta({ id: 'WorkflowList' })
  .describe('Every workflow that is not deleted.');
export type WorkflowList = z.infer<typeof workflowListSchema>;

export const deletedWorkflowSchema = z
  .object({
    id: workflowIdSchema,
    deletedAt: isoTime('When the workflow was deleted:'),
  })
  .meta({ id: 'DeletedWorkflow' })
  .describe('The deleted workflow. Its runs stay readable; queued runs became `dead`.');
export type DeletedWorkflow = z.infer<typeof deletedWorkflowSchema>;

export const rotatedSecretSchema = z
  .object({
    id: workflowIdSchema,
    secret: z.string().describe('The new signing secret. Returned only here; store it now.'),
    previousSecretExpiresAt: z
      .string()
      .nullable()
      .describe('When the replaced secret stops signing; `null` when it stopped at once (`overlapSeconds: 0`).'),
  })
  .meta({ id: 'RotatedSecret' })
  .describe('The new secret. Until `previousSecretExpiresAt`, deliveries carry signatures with both secrets.');
export type RotatedSecret = z.infer<typeof rotatedSecretSchema>;

/** One run: one workflow triggered by one event, with all of its delivery attempts. */
export const runSchema = z
  .object({
    id: runIdSchema,
    workflowId: workflowIdSchema,
    workflowName: z.string().describe('Name of the workflow.'),
    eventId: z.string().describe('The event that triggered the run.'),
    origin: z.enum(['publish', 'replay']).describe('`publish` when publishing the event created the run, `replay` when `POST /events/{id}/replay` did.'),
    status: runStatusSchema,
    attempts: z.number().int().describe('Attempts started so far. An attempt cut short by a server shutdown does not count.'),
    maxAttempts: z.number().int().describe("The workflow's current limit of attempts."),
    lastError: z.string().nullable().describe('Why the latest failed attempt failed; kept after a later success.'),
    lastStatus: z.number().int().nullable().describe('HTTP status of the latest webhook response, if any.'),
    lastDurationMs: z.number().int().nullable().describe('Duration in ms of the latest finished attempt.'),
    createdAt: isoTime('When the run was created:'),
    firstAttemptAt: isoTime('When the first attempt started, or `null`:').nullable(),
    lastAttemptAt: isoTime('When the latest attempt started, or `null`:').nullable(),
    nextAttemptAt: isoTime('When the next attempt is due while the run is `pending` or `retrying`, otherwise `null`:').nullable(),
    completedAt: isoTime('When the run became `succeeded` or `dead`, otherwise `null`:').nullable(),
  })
  .meta({ id: 'Run' })
  .describe('One workflow run for one event.');
export type Run = z.infer<typeof runSchema>;

export const runPageSchema = z
  .object({
    runs: z.array(runSchema).describe('Runs in creation order (or newest first with `order=desc`).'),
    nextCursor: z.string().nullable().describe('Pass as `cursor` to get the next page; `null` when no run followed this page at query time.'),
  })
  .meta({ id: 'RunPage' })
  .describe('A page of runs.');
export type RunPage = z.infer<typeof runPageSchema>;

export const replayResultSchema = z
  .object({ runs: z.array(runSchema).describe('The new runs, one per matching workflow; empty when none matched or all were skipped.') })
  .meta({ id: 'ReplayResult' })
  .describe('Runs created by the replay.');
export type ReplayResult = z.infer<typeof replayResultSchema>;

function objectError(subject: string, allowed: string[], issue: { code: string; input?: unknown; keys?: string[] }): string {
  const list = allowed.join(', ');
  if (issue.code === 'unrecognized_keys') return `${subject} has unknown fields ${describeValue(issue.keys)}; allowed are ${list}`;
  return `${subject} must be a JSON object with ${list}, got ${describeValue(issue.input)}`;
}
