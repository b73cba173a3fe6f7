import { CliError, describeCliError } from '../server/src/cli/cli-error';
import { keysCommand } from '../server/src/cli/keys-command';

// Entry of `npm run keys -- <create|list|revoke> ...`: the `keys` subcommand as a program of its own.
keysCommand()
  .parseAsync(process.argv)
  .catch((error: unknown) => {
    process.stderr.write(`error: ${describeCliError(error)}\n`);
    process.exitCode = error instanceof CliError ? error.exitCode : 1;
  });
