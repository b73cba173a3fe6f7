import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { z } from 'zod';
import { ApiError, createWorkflowInputSchema, describeValue, formatFieldPath } from '../../../contracts';
import type { AddressGuard } from './address-guard';
import { generateWebhookSecret } from './webhook-signature';
import { checkTriggerPattern, mergeRetryPolicy } from './workflow-input-checks';
import type { WorkflowDefinition } from './workflow-store';

const secretPattern = /^whsec_(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * One webhook workflow of the file: the body of `POST /workflows`, plus an optional secret
 * for receivers that were set up before the server first started.
 */
const fileWorkflowSchema = createWorkflowInputSchema.extend({
  webhook: z.strictObject(
    {
      url: createWorkflowInputSchema.shape.webhook.shape.url,
      secret: z
        .string()
        .regex(secretPattern, { error: 'webhook.secret must be "whsec_" followed by padded base64, such as a secret from generateWebhookSecret()' })
        .refine((value) => value.length > 'whsec_'.length, { error: 'webhook.secret must not be empty after "whsec_"' })
        .optional(),
    },
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys'
          ? `webhook has unknown fields ${describeValue(issue.keys)}; allowed are url and secret`
          : `webhook must be an object with url and an optional secret, got ${describeValue(issue.input)}`,
    },
  ),
});

const workflowsFileSchema = z.strictObject(
  {
    workflows: z.array(fileWorkflowSchema, {
      error: (issue) => `workflows must be an array of workflow definitions, got ${describeValue(issue.input)}`,
    }),
  },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `the file has unknown fields ${describeValue(issue.keys)}; it contains only "workflows"`
        : `the file must contain a JSON object such as {"workflows": []}, got ${describeValue(issue.input)}`,
  },
);

/** Raised when the workflows file cannot be read or is invalid; the message lists every problem. */
export class WorkflowsFileError extends Error {
  override readonly name = 'WorkflowsFileError';
}

/**
 * Reads the workflows file (WORKFLOWS_FILE): JSON of the form
 * `{"workflows": [{"name", "on", "orgId"?, "webhook": {"url", "secret"?}, "retry"?, "enabled"?}]}`.
 * Each entry is checked like a `POST /workflows` body; IP-literal hosts must pass the guard,
 * while host names are resolved and checked at each delivery, so a DNS outage cannot stop
 * the server from starting. Throws WorkflowsFileError naming the file and each bad field.
 */
export function readWorkflowsFile(path: string, guard: AddressGuard): WorkflowDefinition[] {
  const parsed = workflowsFileSchema.safeParse(readJson(path));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${formatFieldPath(issue.path) || 'the file'}: ${issue.message}`);
    throw new WorkflowsFileError(`WORKFLOWS_FILE ${path} is invalid: ${problems.join('; ')}`);
  }

  const problems: string[] = [];
  const seen = new Set<string>();
  const definitions: WorkflowDefinition[] = [];
  parsed.data.workflows.forEach((entry, index) => {
    const at = `workflows[${index}]`;
    const key = `${entry.orgId ?? ''}\u0000${entry.name}`;
    if (seen.has(key)) problems.push(`${at}.name: ${JSON.stringify(entry.name)} appears more than once for the same organisation; names must be unique`);
    seen.add(key);
    try {
      definitions.push(toDefinition(entry, at, guard));
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      problems.push(error.message);
    }
  });
  if (problems.length > 0) throw new WorkflowsFileError(`WORKFLOWS_FILE ${path} is invalid: ${problems.join('; ')}`);
  return definitions;
}

function toDefinition(entry: z.infer<typeof fileWorkflowSchema>, at: string, guard: AddressGuard): WorkflowDefinition {
  checkTriggerPattern(entry.on, `${at}.on`);
  const retry = mergeRetryPolicy(entry.retry, undefined, `${at}.retry`);
  const host = new URL(entry.webhook.url).hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) !== 0) {
    const verdict = guard.check(host);
    if (!verdict.ok) throw new ApiError('VALIDATION_FAILED', `${at}.webhook.url is not allowed: ${verdict.reason}`);
  }
  return {
    orgId: entry.orgId ?? null,
    name: entry.name,
    kind: 'webhook',
    pattern: entry.on,
    url: entry.webhook.url,
    retry,
    ...(entry.enabled === undefined ? {} : { enabled: entry.enabled }),
    ...(entry.webhook.secret === undefined ? {} : { secret: entry.webhook.secret }),
    generatedSecret: generateWebhookSecret(),
  };
}

function readJson(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new WorkflowsFileError(`WORKFLOWS_FILE ${path} cannot be read: ${reason}; fix the path or unset WORKFLOWS_FILE`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new WorkflowsFileError(`WORKFLOWS_FILE ${path} is not valid JSON: ${reason}`);
  }
}
