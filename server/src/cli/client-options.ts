import { InvalidArgumentError, Option, type Command } from 'commander';
import { createEventsClient, type EventsClient } from '../../../client';

/** Server URL that client subcommands use when neither `--url` nor `EVENTS_URL` is set. */
export const defaultServerUrl = 'http://127.0.0.1:3000';

/** Options that every client subcommand takes. */
export interface ClientOptions {
  url: string;
  apiKey?: string;
}

/** Adds `--url` and `--api-key` to a subcommand that calls the server. */
export function addClientOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--url <url>', 'base URL of the event ledger server')
        .env('EVENTS_URL')
        .default(defaultServerUrl)
        .argParser(parseServerUrl),
    )
    .addOption(
      new Option('--api-key <key>', 'API key, sent as "Authorization: Bearer <key>"; leave unset for a server without authentication').env(
        'EVENTS_API_KEY',
      ),
    );
}

/** Creates the API client that `--url` and `--api-key` describe. */
export function createClient(options: ClientOptions): EventsClient {
  return createEventsClient({ url: options.url, ...(options.apiKey === undefined ? {} : { apiKey: options.apiKey }) });
}

function parseServerUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError(`expected an http:// or https:// URL such as ${defaultServerUrl}.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidArgumentError(`expected an http:// or https:// URL such as ${defaultServerUrl}, got the protocol ${url.protocol}`);
  }
  return value;
}
