import { Command, Option } from 'commander';
import { configSchema } from '../config/load-config';
import { runServer } from '../run-server';

interface ServeOptions {
  host?: string;
  port?: string;
  database?: string;
  logLevel?: string;
}

/** Environment variable that each `serve` option overrides. */
const overriddenVariables = { host: 'HOST', port: 'PORT', database: 'DATABASE_PATH', logLevel: 'LOG_LEVEL' } as const;

/**
 * `events serve`: runs the server with the same configuration as `npm start`. Each option
 * overrides one environment variable, and `loadConfig` validates the result, so an invalid
 * value is reported under its variable name.
 */
export function serveCommand(): Command {
  return new Command('serve')
    .summary('run the event ledger server')
    .description(
      'Run the event ledger server until SIGTERM or SIGINT, then finish requests in flight, close the database and exit.\n' +
        `It reads the same environment variables as npm start: ${Object.keys(configSchema.shape).join(', ')}. Each option below overrides one of them.`,
    )
    .option('--host <host>', 'interface to listen on; sets HOST (default: 127.0.0.1)')
    .option('--port <port>', 'TCP port to listen on, 0 for any free port; sets PORT (default: 3000)')
    .option('--database <path>', 'SQLite database file, created when missing; sets DATABASE_PATH (default: data/events.db)')
    .addOption(
      new Option('--log-level <level>', 'lowest level of the JSON log lines on stdout; sets LOG_LEVEL (default: info)').choices([
        'fatal',
        'error',
        'warn',
        'info',
        'debug',
        'trace',
        'silent',
      ]),
    )
    .action(async (options: ServeOptions) => {
      const env: Record<string, string | undefined> = { ...process.env };
      for (const [option, variable] of Object.entries(overriddenVariables)) {
        const value = options[option as keyof ServeOptions];
        if (value !== undefined) env[variable] = value;
      }
      await runServer(env);
    });
}
