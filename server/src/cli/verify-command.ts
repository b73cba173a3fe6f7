import { Command, Option } from 'commander';
import { LedgerFileError } from '../storage/sqlite/open-ledger-for-verification';
import { formatVerifyResult, verifyLedgerFile } from '../verify-ledger-file';
import { CliError } from './cli-error';
import { writeLine } from './write-line';

interface VerifyOptions {
  database: string;
  json?: boolean;
}

/**
 * `events verify`: recomputes every hash of a ledger database file. It reads the file directly
 * and read-only, so it also runs beside a live server. Exit status: 0 when every chain verifies,
 * 1 when a chain is broken or reading fails, 2 when the file is missing or is no ledger database.
 */
export function verifyCommand(): Command {
  return new Command('verify')
    .summary("verify the hash chains of a ledger database file")
    .description(
      "Recompute every event hash of the ledger database file and check each organisation's chain, read-only, also while a server uses the file.\n" +
        'Exit status: 0 when every chain verifies, 1 when a chain is broken or reading fails, 2 when the file is missing or is no ledger database.',
    )
    .addOption(new Option('--database <path>', 'SQLite database file to verify').env('DATABASE_PATH').default('data/events.db'))
    .option('--json', 'print the result as JSON: {"ok": true, "events", "organisations", "heads", "head"} or the first break')
    .action(async (options: VerifyOptions) => {
      // An empty DATABASE_PATH means the default, as it does for the server.
      const result = await verifyOrExplain(options.database === '' ? 'data/events.db' : options.database);
      if (options.json) await writeLine(JSON.stringify(result));
      else if (result.ok) await writeLine(formatVerifyResult(result));
      else process.stderr.write(`error: ${formatVerifyResult(result)}\n`);
      if (!result.ok) process.exitCode = 1;
    });
}

async function verifyOrExplain(path: string): ReturnType<typeof verifyLedgerFile> {
  try {
    return await verifyLedgerFile(path);
  } catch (error) {
    if (error instanceof LedgerFileError) throw new CliError(error.message, 2);
    throw error;
  }
}
