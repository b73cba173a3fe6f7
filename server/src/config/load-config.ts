import { z } from 'zod';
import { resolveAuthMode, type AuthMode } from '../auth/auth-mode';
import { resolveRateLimit } from '../http/rate-limit-settings';
import { checkWorkflowSettings, workflowConfigShape, workflowSettingsFrom, type WorkflowSettings } from '../workflows/workflow-settings';

const port = z.coerce
  .number({ error: 'must be an integer from 0 to 65535' })
  .int({ error: 'must be an integer from 0 to 65535' })
  .min(0, { error: 'must be from 0 to 65535' })
  .max(65535, { error: 'must be from 0 to 65535' });

const byteSize = z.coerce
  .number({ error: 'must be a number of bytes' })
  .int({ error: 'must be a whole number of bytes' })
  .min(1024, { error: 'must be at least 1024 bytes' })
  .max(256 * 1024 * 1024, { error: 'must be at most 268435456 bytes (256 MiB)' });

/** Environment variables the server reads, with their defaults. */
export const configSchema = z.object({
  HOST: z.string().min(1, { error: 'must not be empty' }).default('127.0.0.1'),
  PORT: port.default(3000),
  DATABASE_PATH: z.string().min(1, { error: 'must not be empty' }).default('data/events.db'),
  MAX_BODY_BYTES: byteSize.default(1024 * 1024),
  MAX_BATCH_BODY_BYTES: byteSize.default(16 * 1024 * 1024),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { error: 'must be one of fatal, error, warn, info, debug, trace, silent' }).default('info'),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number({ error: 'must be a number of milliseconds' }).int().min(0).max(600_000).default(10_000),
  AUTH: z.enum(['required', 'off'], { error: 'must be required or off' }).optional(),
  RATE_LIMIT_PER_SECOND: z.coerce.number({ error: 'must be a number of requests per second' }).min(0, { error: 'must be 0 (off) or more' }).max(1_000_000, { error: 'must be at most 1000000' }).optional(),
  RATE_LIMIT_BURST: z.coerce.number({ error: 'must be a number of requests' }).int({ error: 'must be a whole number of requests' }).min(1, { error: 'must be at least 1' }).max(10_000_000, { error: 'must be at most 10000000' }).optional(),
  ...workflowConfigShape,
});

/** The server's configuration, in code terms. */
export interface ServerConfig {
  host: string;
  port: number;
  databasePath: string;
  maxBodyBytes: number;
  /** Body limit of `POST /events/batch`, larger than the single-event one. */
  maxBatchBodyBytes: number;
  logLevel: string;
  shutdownTimeoutMs: number;
  /** Whether requests need an API key; when undefined, `off` on a loopback host and `required` elsewhere. */
  auth?: AuthMode;
  /** Token bucket per API key (per client address with auth off); undefined when requests are not limited. */
  rateLimit?: { perSecond: number; burst: number };
  /** Workflow dispatcher and webhook settings; undefined takes the defaults of `defaultWorkflowSettings`. */
  workflows?: WorkflowSettings;
}

/** Thrown when the environment contains invalid settings. The message lists every problem. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Parses the configuration from environment variables; throws one ConfigError listing every invalid setting. */
export function loadConfig(env: Record<string, string | undefined> = process.env): ServerConfig {
  const present = Object.fromEntries(Object.entries(env).filter(([key, value]) => key in configSchema.shape && value !== undefined && value !== ''));
  const result = configSchema.safeParse(present);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const key = String(issue.path[0]);
      return `${key}=${JSON.stringify(env[key])} ${issue.message}`;
    });
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  }
  const values = result.data;
  const auth = resolveAuthMode(values.HOST, values.AUTH);
  if (!auth.ok) throw new ConfigError(`invalid configuration: ${auth.problem}`);
  const workflows = workflowSettingsFrom(values);
  const workflowProblem = checkWorkflowSettings(workflows);
  if (workflowProblem !== undefined) throw new ConfigError(`invalid configuration: ${workflowProblem}`);
  return {
    host: values.HOST,
    port: values.PORT,
    databasePath: values.DATABASE_PATH,
    maxBodyBytes: values.MAX_BODY_BYTES,
    maxBatchBodyBytes: values.MAX_BATCH_BODY_BYTES,
    logLevel: values.LOG_LEVEL,
    shutdownTimeoutMs: values.SHUTDOWN_TIMEOUT_MS,
    auth: auth.mode,
    rateLimit: resolveRateLimit(values.HOST, values.RATE_LIMIT_PER_SECOND, values.RATE_LIMIT_BURST),
    workflows,
  };
}
