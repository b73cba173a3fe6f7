import { resolve } from 'node:path';
import { Command } from 'commander';
import { parsePositiveInteger, parseWholeSeconds } from './number-options';

/** Settings of one benchmark run. */
export interface BenchOptions {
  /** Measured seconds per scenario. */
  durationSeconds: number;
  /** Unmeasured seconds of load before each scenario. */
  warmupSeconds: number;
  connections: number;
  /** Events per `POST /events/batch` request. */
  batchSize: number;
  quick: boolean;
  /** Existing database to run the read scenarios against, instead of the one the publish scenarios fill; absolute. */
  database: string | undefined;
  /** Also compare list and get on a seeded large ledger with a nearly empty one. */
  scale: boolean;
  /** Events in the large ledger of the scale comparison, when `database` is not given. */
  scaleEvents: number;
  /** Folder for the ledger server's `--cpu-prof` output, absolute, or undefined to run without profiling. */
  cpuProfileDir: string | undefined;
  /** Markdown report to write; absolute. */
  output: string;
}

const defaults = { duration: 10, warmup: 3 };
const quickDefaults = { duration: 3, warmup: 1 };

/** Parses the command line of `npm run bench`; prints help and exits on `--help` or a bad option. */
export function parseBenchOptions(argv: readonly string[]): BenchOptions {
  const program = new Command('bench')
    .description('Load the ledger server and bare-stack ceilings from a separate process on 127.0.0.1, then write docs/benchmarks.md.')
    .option('--duration <seconds>', `measured seconds per scenario (default ${defaults.duration}, ${quickDefaults.duration} with --quick)`, parseWholeSeconds)
    .option('--warmup <seconds>', `unmeasured seconds of load before each scenario (default ${defaults.warmup}, ${quickDefaults.warmup} with --quick)`, parseWholeSeconds)
    .option('--connections <count>', 'concurrent keep-alive connections', parsePositiveInteger, 50)
    .option('--batch-size <count>', 'events per POST /events/batch request', parsePositiveInteger, 100)
    .option('--quick', 'short runs for a smoke test: 3 s scenarios after 1 s warm-ups, about 50 s in all on a 2-core machine without --scale', false)
    .option('--database <path>', 'run the read scenarios against this existing database; the benchmark only reads it, but the server applies pending migrations on start')
    .option('--scale', 'also compare list and get on a large seeded ledger with a nearly empty one', false)
    .option('--scale-events <count>', 'events to seed for --scale when --database is not given', parsePositiveInteger, 1_000_000)
    .option('--cpu-prof [dir]', 'run the ledger servers with node --cpu-prof, writing one .cpuprofile per thread to dir (default data/cpu-profiles)')
    .option('--output <file>', 'Markdown report to write', 'docs/benchmarks.md')
    .showHelpAfterError();
  program.parse(argv, { from: 'user' });
  if (program.opts<{ duration?: number }>().duration === 0) program.error('error: option --duration must be at least 1 second, got 0');
  const raw = program.opts<{
    duration?: number; warmup?: number; connections: number; batchSize: number; quick: boolean;
    database?: string; scale: boolean; scaleEvents: number; cpuProf?: string | true; output: string;
  }>();

  const base = raw.quick ? quickDefaults : defaults;
  return {
    durationSeconds: raw.duration ?? base.duration,
    warmupSeconds: raw.warmup ?? base.warmup,
    connections: raw.connections,
    batchSize: raw.batchSize,
    quick: raw.quick,
    database: raw.database === undefined ? undefined : resolve(raw.database),
    scale: raw.scale,
    scaleEvents: raw.scaleEvents,
    cpuProfileDir: raw.cpuProf === undefined ? undefined : resolve(raw.cpuProf === true ? 'data/cpu-profiles' : raw.cpuProf),
    output: resolve(raw.output),
  };
}
