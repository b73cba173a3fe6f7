import { z } from 'zod';
import { createAddressGuard } from './address-guard';

/** Settings of the workflow dispatcher and of webhook address checks. */
export interface WorkflowSettings {
  /** JSON file of webhook workflows applied at start-up, if any. */
  file: string | undefined;
  /** Maximum number of attempts in flight at once. */
  concurrency: number;
  /** How long a claimed run belongs to this process; then another claim may take it. */
  leaseMs: number;
  webhookTimeoutMs: number;
  codeTimeoutMs: number;
  /** Maximum time in ms between two looks for due runs, besides the wake-ups after publishing. */
  pollIntervalMs: number;
  /**
   * Whether webhooks may target private, loopback and link-local addresses. Undefined follows
   * authentication: allowed with AUTH=off, where only local processes reach the API, and
   * rejected with API keys, so that a key cannot probe the network the server runs in.
   */
  allowPrivateAddresses: boolean | undefined;
  /** CIDRs webhooks may always target. */
  allowedNetworks: string[];
}

/** Defaults of every setting. */
export const defaultWorkflowSettings: WorkflowSettings = {
  file: undefined,
  concurrency: 16,
  leaseMs: 60_000,
  webhookTimeoutMs: 15_000,
  codeTimeoutMs: 30_000,
  pollIntervalMs: 1_000,
  allowPrivateAddresses: undefined,
  allowedNetworks: [],
};

const milliseconds = (min: number, max: number) =>
  z.coerce
    .number({ error: 'must be a number of milliseconds' })
    .int({ error: 'must be a whole number of milliseconds' })
    .min(min, { error: `must be from ${min} to ${max} milliseconds` })
    .max(max, { error: `must be from ${min} to ${max} milliseconds` });

const networks = z.string().transform((text, context) => {
  const entries = text.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
  for (const entry of entries) {
    try {
      createAddressGuard({ allow: [entry], allowPrivate: false });
    } catch {
      context.addIssue({ code: 'custom', message: `must be comma-separated CIDRs such as "10.0.0.0/8,fd00::/8"; ${JSON.stringify(entry)} is not a CIDR` });
    }
  }
  return entries;
});

/** Environment variables of the workflow settings, merged into the server's config schema. */
export const workflowConfigShape = {
  WORKFLOWS_FILE: z.string().optional(),
  WORKFLOW_CONCURRENCY: z.coerce
    .number({ error: 'must be a number' })
    .int({ error: 'must be an integer' })
    .min(1, { error: 'must be from 1 to 1024' })
    .max(1024, { error: 'must be from 1 to 1024' })
    .default(defaultWorkflowSettings.concurrency),
  WORKFLOW_LEASE_MS: milliseconds(1_000, 3_600_000).default(defaultWorkflowSettings.leaseMs),
  WORKFLOW_WEBHOOK_TIMEOUT_MS: milliseconds(100, 600_000).default(defaultWorkflowSettings.webhookTimeoutMs),
  WORKFLOW_CODE_TIMEOUT_MS: milliseconds(100, 3_600_000).default(defaultWorkflowSettings.codeTimeoutMs),
  WORKFLOW_POLL_INTERVAL_MS: milliseconds(10, 60_000).default(defaultWorkflowSettings.pollIntervalMs),
  WEBHOOK_ALLOW_PRIVATE: z.enum(['true', 'false'], { error: 'must be true or false' }).optional(),
  WEBHOOK_ALLOWED_NETWORKS: networks.optional(),
};

type WorkflowConfigValues = z.output<z.ZodObject<typeof workflowConfigShape>>;

/** Turns parsed environment values into settings. */
export function workflowSettingsFrom(values: WorkflowConfigValues): WorkflowSettings {
  return {
    file: values.WORKFLOWS_FILE,
    concurrency: values.WORKFLOW_CONCURRENCY,
    leaseMs: values.WORKFLOW_LEASE_MS,
    webhookTimeoutMs: values.WORKFLOW_WEBHOOK_TIMEOUT_MS,
    codeTimeoutMs: values.WORKFLOW_CODE_TIMEOUT_MS,
    pollIntervalMs: values.WORKFLOW_POLL_INTERVAL_MS,
    allowPrivateAddresses: values.WEBHOOK_ALLOW_PRIVATE === undefined ? undefined : values.WEBHOOK_ALLOW_PRIVATE === 'true',
    allowedNetworks: values.WEBHOOK_ALLOWED_NETWORKS ?? [],
  };
}

/**
 * Checks the settings against each other; returns a message for the configuration error, or
 * undefined. The lease must outlast every attempt, or a second claim could start the same run
 * while the first attempt still runs.
 */
export function checkWorkflowSettings(settings: WorkflowSettings): string | undefined {
  const longest = Math.max(settings.webhookTimeoutMs, settings.codeTimeoutMs);
  if (settings.leaseMs <= longest) {
    return `WORKFLOW_LEASE_MS=${settings.leaseMs} must be longer than WORKFLOW_WEBHOOK_TIMEOUT_MS and WORKFLOW_CODE_TIMEOUT_MS (the longer is ${longest}); raise the lease or lower the timeouts`;
  }
  return undefined;
}
