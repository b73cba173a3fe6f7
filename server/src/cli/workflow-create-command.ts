import { Command } from 'commander';
import { workflowLimits, type CreateWorkflowInput } from '../../../contracts';
import { addClientOptions, createClient, type ClientOptions } from './client-options';
import { integerArgument } from './integer-argument';
import { writeLine } from './write-line';

interface CreateOptions extends ClientOptions {
  name: string;
  on: string;
  webhook: string;
  org?: string;
  maxAttempts?: number;
  initialDelay?: number;
  maxDelay?: number;
  disabled?: boolean;
  json?: boolean;
}

/**
 * `events workflows create`: creates a webhook workflow. The signing secret goes alone to stdout,
 * so a script can capture it, because no later response contains it.
 */
export function workflowCreateCommand(): Command {
  const command = new Command('create')
    .summary('create a webhook workflow and print its signing secret once')
    .description(
      'Create a webhook workflow: every event whose type matches --on is posted to --webhook, signed per Standard Webhooks.\n' +
        'The signing secret is printed once on stdout and no later response contains it; the other details go to stderr.',
    )
    .requiredOption('--name <name>', 'name of the workflow, unique within its organisation, such as notify-support')
    .requiredOption('--on <pattern>', 'event types that trigger it: an exact type, "*" for one segment (support.ticket.*), or a final ">" for one or more segments (support.>)')
    .requiredOption('--webhook <url>', 'http or https URL that receives a signed POST of each matching event')
    .option('--org <orgId>', 'only events of this organisation trigger it (default: events of every organisation; an API key always uses its own)')
    .option('--max-attempts <count>', `delivery attempts in total, from ${workflowLimits.minAttempts} to ${workflowLimits.maxAttempts} (server default: 8)`, integerArgument(workflowLimits.minAttempts, workflowLimits.maxAttempts))
    .option('--initial-delay <ms>', 'upper bound in milliseconds of the random delay after the first failure (server default: 1000)', integerArgument(workflowLimits.minDelayMs, workflowLimits.maxInitialDelayMs))
    .option('--max-delay <ms>', 'upper bound in milliseconds of any single delay between attempts (server default: 300000)', integerArgument(workflowLimits.minDelayMs, workflowLimits.maxDelayMs))
    .option('--disabled', 'create it disabled, so published events create no runs until it is enabled')
    .option('--json', 'print the workflow and its secret as one JSON object on stdout');
  addClientOptions(command);
  return command.action(async (options: CreateOptions) => {
    const created = await createClient(options).trpc.workflows.create.mutate(createInput(options));
    if (options.json) {
      await writeLine(JSON.stringify(created));
      return;
    }
    const scope = created.orgId === null ? 'every organisation' : created.orgId;
    process.stderr.write(
      `created ${created.id} (${created.name}) for events matching ${created.on} of ${scope}, ${created.enabled ? 'enabled' : 'disabled'}\n` +
        'the signing secret below is shown only this once; store it where the receiver verifies signatures\n',
    );
    await writeLine(created.secret);
  });
}

function createInput(options: CreateOptions): CreateWorkflowInput {
  const retry = { maxAttempts: options.maxAttempts, initialDelayMs: options.initialDelay, maxDelayMs: options.maxDelay };
  const retryFields = Object.entries(retry).filter(([, value]) => value !== undefined);
  return {
    name: options.name,
    on: options.on,
    webhook: { url: options.webhook },
    ...(options.org === undefined ? {} : { orgId: options.org }),
    ...(retryFields.length === 0 ? {} : { retry: Object.fromEntries(retryFields) }),
    ...(options.disabled ? { enabled: false } : {}),
  };
}
