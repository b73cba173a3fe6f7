/**
 * Verifies the hash chains of a ledger database: `npm run verify [-- <database path>]`.
 *
 * The path defaults to DATABASE_PATH, then to data/events.db. Exit codes: 0 when every chain
 * verifies, 1 when a chain is broken or the database cannot be read, 2 for usage errors and
 * missing or foreign files.
 */
import { LedgerFileError } from '../server/src/storage/sqlite/open-ledger-for-verification';
import { formatVerifyResult, verifyLedgerFile } from '../server/src/verify-ledger-file';

const usage = `usage: npm run verify [-- <database path>]

Recomputes every event hash of the ledger database and checks each organisation's chain.
The path defaults to the DATABASE_PATH environment variable, then to data/events.db.
Exit codes: 0 the chains verify, 1 a chain is broken or the database cannot be read, 2 usage error.
`;

async function run(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(usage);
    return 0;
  }
  const options = args.filter((arg) => arg.startsWith('-'));
  if (options.length > 0 || args.length > 1) {
    const problem = options.length > 0 ? `unknown option ${options[0]}` : `expected at most one database path, got ${args.length} arguments`;
    process.stderr.write(`${problem}\n${usage}`);
    return 2;
  }

  const path = args[0] ?? (process.env['DATABASE_PATH'] || 'data/events.db');
  try {
    const result = await verifyLedgerFile(path);
    process.stdout.write(`${formatVerifyResult(result)}\n`);
    return result.ok ? 0 : 1;
  } catch (error) {
    if (error instanceof LedgerFileError) {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    process.stderr.write(`verification failed: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

process.exitCode = await run(process.argv.slice(2));
