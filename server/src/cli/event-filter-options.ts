import type { Command } from 'commander';
import type { ListEventsInput } from '../../../contracts';

/** Filter options shared by `list` and `tail`. */
export interface EventFilterOptions {
  type?: string;
  org?: string;
  actor?: string;
}

/** Adds `--type`, `--org` and `--actor`. */
export function addEventFilterOptions(command: Command): Command {
  return command
    .option('--type <type>', 'only events of exactly this type, such as support.ticket.created')
    .option('--org <orgId>', 'only events of this organisation; an API key reads its own organisation only')
    .option('--actor <actorId>', 'only events whose actor.id is exactly this');
}

/** Turns the filter options into the list API's input fields. */
export function eventFilters(options: EventFilterOptions): Pick<ListEventsInput, 'type' | 'orgId' | 'actorId'> {
  return {
    ...(options.type === undefined ? {} : { type: options.type }),
    ...(options.org === undefined ? {} : { orgId: options.org }),
    ...(options.actor === undefined ? {} : { actorId: options.actor }),
  };
}
