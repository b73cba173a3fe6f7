import { ConfigError, loadConfig } from './config/load-config';
import { createLogger } from './logging/create-logger';
import { startServer } from './start-server';

/**
 * Runs the server until SIGTERM or SIGINT, configured from `env` as `loadConfig` describes.
 * On either signal it finishes requests in flight, closes the database and exits with 0.
 * It exits with 2 when the configuration is invalid and with 1 when starting or stopping fails.
 */
export async function runServer(env: Record<string, string | undefined> = process.env): Promise<void> {
  let config;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  const logger = createLogger(config.logLevel);
  let server;
  try {
    server = await startServer(config, logger);
  } catch (error) {
    logger.fatal({ err: error }, 'failed to start the server');
    process.exit(1);
  }
  const stop = (signal: string) => {
    logger.info({ signal }, 'stop signal received');
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}
