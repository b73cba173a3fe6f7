import pino, { type Logger } from 'pino';

/**
 * Creates the service logger: one JSON line per entry on stdout, no transports, so it also works
 * inside the single executable. Authorization headers and API keys are redacted wherever they
 * appear in a logged object.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'event-ledger' },
      redact: { paths: ['authorization', '*.authorization', 'apiKey', '*.apiKey', 'secret', '*.secret'], censor: '[redacted]' },
    },
    destination,
  );
}
