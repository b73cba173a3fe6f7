import { Command } from 'commander';
import type { PublishInput } from '../../../contracts';
import { addClientOptions, createClient, type ClientOptions } from './client-options';
import { readEventInput } from './read-event-input';
import { writeLine } from './write-line';

interface PublishOptions extends ClientOptions {
  file?: string;
  idempotencyKey?: string;
}

/** `events publish`: appends one event and prints the stored event as JSON. */
export function publishCommand(): Command {
  const command = new Command('publish')
    .summary('publish an event and print the stored event')
    .description(
      'Publish one event and print the stored event, with its id and timestamp, as JSON.\n' +
        'The event is a JSON object with type, actor, payload and orgId, taken from the argument, from --file, or from stdin when both are missing.',
    )
    .argument('[event]', 'the event as JSON text')
    .option('-f, --file <path>', 'read the event JSON from this file; "-" reads stdin')
    .option('--idempotency-key <key>', 'sets idempotencyKey: a retry with the same key and event returns the first stored event')
    .option('--compact', 'print the stored event on one line instead of indented JSON');
  addClientOptions(command);
  return command.action(async (argument: string | undefined, options: PublishOptions & { compact?: boolean }) => {
    const input = await readEventInput({ argument, file: options.file });
    const event = await createClient(options).publish(withIdempotencyKey(input, options.idempotencyKey));
    await writeLine(JSON.stringify(event, null, options.compact ? undefined : 2));
  });
}

/** Adds the key to an event object; anything else goes to the server unchanged, which rejects it. */
function withIdempotencyKey(input: unknown, idempotencyKey: string | undefined): PublishInput {
  const isObject = typeof input === 'object' && input !== null && !Array.isArray(input);
  if (idempotencyKey === undefined || !isObject) return input as PublishInput;
  return { ...(input as PublishInput), idempotencyKey };
}
