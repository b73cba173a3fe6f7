import { CliError, describeCliError } from './cli-error';
import { createProgram } from './create-program';

/**
 * Entry of the `events` command and of the single executable. It has no top-level await,
 * because the executable's CommonJS bundle cannot contain one.
 */
async function main(): Promise<void> {
  // A reader that stops early, such as `events list --all | head`, closes the pipe: stop quietly.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
  await createProgram().parseAsync(process.argv);
}

main().catch((error: unknown) => {
  process.stderr.write(`error: ${describeCliError(error)}\n`);
  process.exitCode = error instanceof CliError ? error.exitCode : 1;
});
