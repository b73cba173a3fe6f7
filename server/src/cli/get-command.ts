import { Command } from 'commander';
import { addClientOptions, createClient, type ClientOptions } from './client-options';
import { writeLine } from './write-line';

/** `events get <id>`: prints one event as JSON. */
export function getCommand(): Command {
  const command = new Command('get')
    .summary('print one event')
    .description('Print the event with this id as JSON, exactly as it was hashed into the ledger.')
    .argument('<id>', 'the event id, such as evt_01jh7y3k8m2q9r4t5v6w7x8y9z')
    .option('--compact', 'print the event on one line instead of indented JSON');
  addClientOptions(command);
  return command.action(async (id: string, options: ClientOptions & { compact?: boolean }) => {
    const event = await createClient(options).get(id);
    await writeLine(JSON.stringify(event, null, options.compact ? undefined : 2));
  });
}
