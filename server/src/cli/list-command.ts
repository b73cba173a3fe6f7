import { Command, Option } from 'commander';
import { limits, type ListEventsInput } from '../../../contracts';
import type { EventsClient } from '../../../client';
import { addClientOptions, createClient, type ClientOptions } from './client-options';
import { addEventFilterOptions, eventFilters, type EventFilterOptions } from './event-filter-options';
import { eventColumns, eventRow, formatTable } from './format-table';
import { integerArgument } from './integer-argument';
import { writeLine } from './write-line';

interface ListOptions extends ClientOptions, EventFilterOptions {
  after?: string;
  since?: string;
  until?: string;
  order?: 'asc' | 'desc';
  limit?: number;
  cursor?: string;
  all?: boolean;
  json?: boolean;
}

/** `events list`: one page of events as a table or JSON, or every page as NDJSON with `--all`. */
export function listCommand(): Command {
  const command = new Command('list')
    .summary('list events, one page or all of them')
    .description(
      'List events in ledger order, oldest first. Without --all, print one page as a table and the cursor of the next page on stderr.\n' +
        'With --all, follow the cursors to the last page and print every event as one JSON line (NDJSON).',
    );
  addEventFilterOptions(command)
    .option('--after <eventId>', 'only events appended after the event with this id')
    .option('--since <time>', 'only events appended at or after this ISO 8601 time, such as 2026-06-16T17:00:00Z')
    .option('--until <time>', 'only events appended before this ISO 8601 time')
    .addOption(new Option('--order <order>', 'asc lists oldest first, desc newest first (default: asc)').choices(['asc', 'desc']))
    .option(
      '--limit <count>',
      `events per page, from ${limits.minPageSize} to ${limits.maxPageSize} (default: ${limits.defaultPageSize}); with --all, events per request`,
      integerArgument(limits.minPageSize, limits.maxPageSize),
    )
    .option('--cursor <cursor>', 'start at the page after this nextCursor of an earlier list with the same filters')
    .option('--all', 'follow cursors to the last page and print every event as one JSON line (NDJSON)')
    .option('--json', 'print the page as JSON {"events": [...], "nextCursor": ...} instead of a table');
  addClientOptions(command);
  return command.action(async (options: ListOptions) => {
    const client = createClient(options);
    const input = listInput(options);
    if (options.all) await printAllPages(client, input);
    else await printPage(client, input, options.json === true);
  });
}

function listInput(options: ListOptions): ListEventsInput {
  const optional = { after: options.after, since: options.since, until: options.until, order: options.order, limit: options.limit, cursor: options.cursor };
  const present = Object.entries(optional).filter(([, value]) => value !== undefined);
  return { ...eventFilters(options), ...Object.fromEntries(present) };
}

async function printPage(client: EventsClient, input: ListEventsInput, json: boolean): Promise<void> {
  const page = await client.list(input);
  if (json) {
    await writeLine(JSON.stringify(page));
    return;
  }
  if (page.events.length === 0) process.stderr.write('no events match\n');
  else await writeLine(formatTable(eventColumns, page.events.map(eventRow)));
  if (page.nextCursor !== null) process.stderr.write(`more events: continue with --cursor ${page.nextCursor}\n`);
}

/** Prints each page as soon as it arrives, so the output starts before the last page is read. */
async function printAllPages(client: EventsClient, input: ListEventsInput): Promise<void> {
  let cursor = input.cursor;
  do {
    const page = await client.list({ ...input, ...(cursor === undefined ? {} : { cursor }) });
    for (const event of page.events) await writeLine(JSON.stringify(event));
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
}
