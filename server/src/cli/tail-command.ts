import { setTimeout as sleep } from 'node:timers/promises';
import { Command } from 'commander';
import { limits, type Event, type EventPage, type ListEventsInput } from '../../../contracts';
import { EventsClientError, type EventsClient } from '../../../client';
import { describeCliError } from './cli-error';
import { addClientOptions, createClient, type ClientOptions } from './client-options';
import { addEventFilterOptions, eventFilters, type EventFilterOptions } from './event-filter-options';
import { eventRow } from './format-table';
import { integerArgument } from './integer-argument';
import { writeLine } from './write-line';

interface TailOptions extends ClientOptions, EventFilterOptions {
  after?: string;
  interval: number;
  json?: boolean;
}

const defaultIntervalMs = 1000;

/** `events tail`: polls the list API and prints events as they are appended, until SIGINT or SIGTERM. */
export function tailCommand(): Command {
  const command = new Command('tail')
    .summary('print events as they are appended')
    .description(
      'Print events as they are appended to the ledger, until interrupted with Ctrl-C (SIGINT) or SIGTERM, then exit with status 0.\n' +
        'It starts after the newest matching event, or after --after, and polls the server; each poll asks for the events after the last one printed.\n' +
        'While the server is unreachable or unavailable, it warns once on stderr and keeps polling from the last event printed.',
    );
  addEventFilterOptions(command)
    .option('--after <eventId>', 'start after the event with this id instead of after the newest event, for example to resume an earlier tail')
    .option('--interval <ms>', `milliseconds to wait between polls when no new event arrived, from 50 to 60000`, integerArgument(50, 60_000), defaultIntervalMs)
    .option('--json', 'print each event as one JSON line (NDJSON) instead of aligned columns');
  addClientOptions(command);
  return command.action(async (options: TailOptions) => {
    const stop = new AbortController();
    const onSignal = () => stop.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
      await followEvents(createClient(options), options, stop.signal);
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  });
}

/**
 * Polls with `after` set to the last event printed, so no event is printed twice or skipped. A full
 * page is followed by the next poll at once. While the server is unreachable or unavailable, for
 * example during a restart, it warns once and keeps polling from the same event.
 */
async function followEvents(client: EventsClient, options: TailOptions, signal: AbortSignal): Promise<void> {
  const filters = eventFilters(options);
  let after = options.after ?? (await newestEventId(client, filters));
  const start = after === undefined ? 'from the first event' : `after ${after}`;
  process.stderr.write(`following events ${start}; press Ctrl-C to stop\n`);
  let failing = false;
  while (!signal.aborted) {
    const page = await pollOrWarn(client, { ...filters, limit: limits.maxPageSize, ...(after === undefined ? {} : { after }) }, failing);
    if (page === undefined) {
      failing = true;
      await sleepUnlessAborted(options.interval, signal);
      continue;
    }
    if (failing) process.stderr.write('the server responds again; following events\n');
    failing = false;
    for (const event of page.events) {
      await writeLine(formatEvent(event, options.json === true));
      after = event.id;
    }
    if (page.nextCursor === null) await sleepUnlessAborted(options.interval, signal);
  }
}

/** Returns the next page, or undefined after a network error or a 503, which it reports once per outage. */
async function pollOrWarn(client: EventsClient, input: ListEventsInput, failing: boolean): Promise<EventPage | undefined> {
  try {
    return await client.list(input);
  } catch (error) {
    const transient = error instanceof EventsClientError && (error.code === 'NETWORK_ERROR' || error.code === 'UNAVAILABLE');
    if (!transient) throw error;
    if (!failing) process.stderr.write(`warning: ${describeCliError(error)} Retrying until the server responds.\n`);
    return undefined;
  }
}

async function newestEventId(client: EventsClient, filters: ListEventsInput): Promise<string | undefined> {
  const page = await client.list({ ...filters, order: 'desc', limit: 1 });
  return page.events[0]?.id;
}

function formatEvent(event: Event, json: boolean): string {
  return json ? JSON.stringify(event) : eventRow(event).join('  ');
}

async function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<void> {
  try {
    await sleep(ms, undefined, { signal });
  } catch (error) {
    if (!signal.aborted) throw error;
  }
}
