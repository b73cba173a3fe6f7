/**
 * Fills a ledger database with generated, hash-chained events for benchmarks and tests.
 *
 * Usage: npm run seed-db -- --events 1000000 [--database data/seed.db] [--orgs 10] [--types 20]
 *
 * Writes directly with better-sqlite3 and `synchronous = OFF`, so run it only on a database no
 * server is using; a crash while seeding can corrupt the file.
 */
import { Command } from 'commander';
import { parsePositiveInteger } from './bench/number-options';
import { seedLedger } from './seed/seed-ledger';

const program = new Command('seed-db')
  .description('Append generated, hash-chained events to a ledger database, creating it when missing.')
  .option('--events <count>', 'number of events to append', parsePositiveInteger, 1_000_000)
  .option('--database <path>', 'database file to fill', 'data/seed.db')
  .option('--orgs <count>', 'number of organisations, each with its own hash chain', parsePositiveInteger, 10)
  .option('--types <count>', 'number of distinct event types', parsePositiveInteger, 20)
  .showHelpAfterError();
program.parse();
const options = program.opts<{ events: number; database: string; orgs: number; types: number }>();

process.stdout.write(`seeding ${options.events} events into ${options.database} (synchronous=OFF)\n`);
let reported = 0;
const result = await seedLedger({
  databasePath: options.database,
  events: options.events,
  orgs: options.orgs,
  types: options.types,
  onProgress: (written) => {
    if (written - reported < 200_000 && written !== options.events) return;
    reported = written;
    process.stdout.write(`  ${written} events written\n`);
  },
});
const seconds = (result.elapsedMs / 1000).toFixed(1);
process.stdout.write(`seeded ${result.events} events in ${seconds} s: ${Math.round(result.rowsPerSecond)} rows/s\n`);
