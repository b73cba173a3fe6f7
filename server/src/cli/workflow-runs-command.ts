import { Command, Option } from 'commander';
import { limits, type ListWorkflowRunsInput } from '../../../contracts';
import type { EventsClient } from '../../../client';
import { addClientOptions, createClient, type ClientOptions } from './client-options';
import { formatTable } from './format-table';
import { runColumns, runRow } from './format-workflows';
import { integerArgument } from './integer-argument';
import { writeLine } from './write-line';

interface RunsOptions extends ClientOptions {
  status?: ListWorkflowRunsInput['status'];
  order?: 'asc' | 'desc';
  limit?: number;
  cursor?: string;
  all?: boolean;
  json?: boolean;
}

/** `events workflows runs <id>`: the runs of one workflow as a table, JSON, or NDJSON with `--all`. */
export function workflowRunsCommand(): Command {
  const command = new Command('runs')
    .summary('list the runs of a workflow')
    .description(
      'List the runs of a workflow, oldest first, with status, attempts and the latest error, also after the workflow was deleted.\n' +
        'Without --all, print one page as a table and the cursor of the next page on stderr. With --all, print every run as one JSON line (NDJSON).',
    )
    .argument('<id>', 'the workflow id, such as wf_01jh7y3k8m2q9r4t5v6w7x8y9z')
    .addOption(new Option('--status <status>', 'only runs with this status').choices(['pending', 'running', 'succeeded', 'retrying', 'dead']))
    .addOption(new Option('--order <order>', 'asc lists the oldest runs first, desc the newest first (default: asc)').choices(['asc', 'desc']))
    .option(
      '--limit <count>',
      `runs per page, from ${limits.minPageSize} to ${limits.maxPageSize} (default: ${limits.defaultPageSize}); with --all, runs per request`,
      integerArgument(limits.minPageSize, limits.maxPageSize),
    )
    .option('--cursor <cursor>', 'start at the page after this nextCursor of an earlier runs list with the same filters')
    .option('--all', 'follow cursors to the last page and print every run as one JSON line (NDJSON)')
    .option('--json', 'print the page as JSON {"runs": [...], "nextCursor": ...} instead of a table');
  addClientOptions(command);
  return command.action(async (id: string, options: RunsOptions) => {
    const client = createClient(options);
    const optional = { status: options.status, order: options.order, limit: options.limit, cursor: options.cursor };
    const input: ListWorkflowRunsInput = { id, ...Object.fromEntries(Object.entries(optional).filter(([, value]) => value !== undefined)) };
    if (options.all) await printAllRuns(client, input);
    else await printRunPage(client, input, options.json === true);
  });
}

async function printRunPage(client: EventsClient, input: ListWorkflowRunsInput, json: boolean): Promise<void> {
  const page = await client.trpc.workflows.runs.query(input);
  if (json) {
    await writeLine(JSON.stringify(page));
    return;
  }
  if (page.runs.length === 0) process.stderr.write('no runs match\n');
  else await writeLine(formatTable(runColumns, page.runs.map(runRow)));
  if (page.nextCursor !== null) process.stderr.write(`more runs: continue with --cursor ${page.nextCursor}\n`);
}

async function printAllRuns(client: EventsClient, input: ListWorkflowRunsInput): Promise<void> {
  let cursor = input.cursor;
  do {
    const page = await client.trpc.workflows.runs.query({ ...input, ...(cursor === undefined ? {} : { cursor }) });
    for (const run of page.runs) await writeLine(JSON.stringify(run));
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
}
