import { Command } from 'commander';
import { addClientOptions, createClient, type ClientOptions } from './client-options';
import { formatTable } from './format-table';
import { workflowColumns, workflowRow } from './format-workflows';
import { workflowCreateCommand } from './workflow-create-command';
import { workflowRunsCommand } from './workflow-runs-command';
import { writeLine } from './write-line';

interface ListOptions extends ClientOptions {
  org?: string;
  json?: boolean;
}

/** `events workflows …`: manages webhook workflows over the API. */
export function workflowsCommand(): Command {
  return new Command('workflows')
    .summary('create, list, enable and disable workflows, and list their runs')
    .description('Manage the workflows of the server: webhooks that receive every event whose type matches a pattern.')
    .addCommand(workflowCreateCommand())
    .addCommand(workflowListCommand())
    .addCommand(setEnabledCommand('enable', true))
    .addCommand(setEnabledCommand('disable', false))
    .addCommand(workflowRunsCommand());
}

function workflowListCommand(): Command {
  const command = new Command('list')
    .summary('list workflows')
    .description('List every workflow that is not deleted, oldest first, including those from the workflows file and from code. Secrets are never listed.')
    .option('--org <orgId>', 'only workflows of this organisation; an API key lists its own organisation only')
    .option('--json', 'print the list as JSON {"workflows": [...]} instead of a table');
  addClientOptions(command);
  return command.action(async (options: ListOptions) => {
    const list = await createClient(options).trpc.workflows.list.query(options.org === undefined ? {} : { orgId: options.org });
    if (options.json) await writeLine(JSON.stringify(list));
    else if (list.workflows.length === 0) process.stderr.write('no workflows\n');
    else await writeLine(formatTable(workflowColumns, list.workflows.map(workflowRow)));
  });
}

/** `enable` resumes new and queued runs; `disable` stops new runs and pauses queued ones. */
function setEnabledCommand(name: 'enable' | 'disable', enabled: boolean): Command {
  const effect = enabled ? 'published events create runs again and paused runs resume' : 'published events create no runs and queued runs pause';
  const command = new Command(name)
    .summary(`${name} a workflow`)
    .description(`${enabled ? 'Enable' : 'Disable'} a workflow: from now on, ${effect}.`)
    .argument('<id>', 'the workflow id, such as wf_01jh7y3k8m2q9r4t5v6w7x8y9z')
    .option('--json', 'print the changed workflow as JSON');
  addClientOptions(command);
  return command.action(async (id: string, options: ClientOptions & { json?: boolean }) => {
    const workflow = await createClient(options).trpc.workflows.update.mutate({ id, enabled });
    if (options.json) await writeLine(JSON.stringify(workflow));
    else await writeLine(`${workflow.id} (${workflow.name}) ${enabled ? 'enabled' : 'disabled'}`);
  });
}
