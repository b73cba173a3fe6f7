import { Command } from 'commander';
import packageJson from '../../../package.json' with { type: 'json' };
import { getCommand } from './get-command';
import { keysCommand } from './keys-command';
import { listCommand } from './list-command';
import { publishCommand } from './publish-command';
import { serveCommand } from './serve-command';
import { tailCommand } from './tail-command';
import { verifyCommand } from './verify-command';
import { workflowsCommand } from './workflows-command';

/** Subcommands of `events`, in the order `events --help` lists them. Add a subcommand with one entry. */
const subcommands: ReadonlyArray<() => Command> = [
  serveCommand,
  publishCommand,
  getCommand,
  listCommand,
  tailCommand,
  verifyCommand,
  keysCommand,
  workflowsCommand,
];

/** Builds the `events` command line program with every subcommand. */
export function createProgram(): Command {
  const program = new Command('events')
    .description('Run the event ledger server, publish and read events, verify the hash chain and manage workflows.')
    .version(packageJson.version, '-V, --version', 'print the version and exit')
    .helpOption('-h, --help', 'print help for the command and exit')
    .helpCommand('help [command]', 'print help for a subcommand')
    .showSuggestionAfterError();
  for (const create of subcommands) program.addCommand(inheritSettings(create(), program));
  return program;
}

/** Copies the help option and output settings to `command` and to its own subcommands, such as `workflows create`. */
function inheritSettings(command: Command, parent: Command): Command {
  command.copyInheritedSettings(parent);
  for (const subcommand of command.commands) inheritSettings(subcommand, command);
  return command;
}
