import { z } from 'zod';

const port = z.coerce
  .number({ error: 'must be a number' })
  .int({ error: 'must be an integer' })
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
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { error: 'must be one of fatal, error, warn, info, debug, trace, silent' }).default('info'),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number({ error: 'must be a number of milliseconds' }).int().min(0).max(600_000).default(10_000),
});

/** The server's configuration, in code terms. */
export interface ServerConfig {
  host: string;
  port: number;
  databasePath: string;
  maxBodyBytes: number;
  logLevel: string;
  shutdownTimeoutMs: number;
}

/** Thrown when the environment holds invalid settings; the message lists every problem. */
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
  return {
    host: values.HOST,
    port: values.PORT,
    databasePath: values.DATABASE_PATH,
    maxBodyBytes: values.MAX_BODY_BYTES,
    logLevel: values.LOG_LEVEL,
    shutdownTimeoutMs: values.SHUTDOWN_TIMEOUT_MS,
  };
}
