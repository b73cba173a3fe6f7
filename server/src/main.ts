import { ConfigError, loadConfig } from './config/load-config';
import { createLogger } from './logging/create-logger';
import { startServer } from './start-server';

/** Starts the server from environment variables and stops it cleanly on SIGTERM or SIGINT. */
export async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
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

await main();
