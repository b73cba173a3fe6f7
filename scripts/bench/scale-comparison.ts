import { join } from 'node:path';
import { seedLedger } from '../seed/seed-ledger';
import type { BenchOptions } from './bench-options';
import type { ScaleComparison } from './benchmark-results';
import { measureReads, type ReadMeasurements } from './read-scenarios';
import type { ScenarioRunner } from './scenario-runner';
import { startLedgerServer } from './start-bench-servers';

/** Events in the nearly empty ledger: enough for full pages and 100 distinct ids. */
const smallLedgerEvents = 1000;
const seedShape = { orgs: 10, types: 20 };

/**
 * Measures list and get on a nearly empty seeded ledger and on a large one (`--database`, or
 * `scaleEvents` freshly seeded), each behind its own server, and compares their p99 latencies.
 */
export async function runScaleComparison(runner: ScenarioRunner, options: BenchOptions, folder: string, log: (line: string) => void): Promise<ScaleComparison> {
  const smallPath = join(folder, 'scale-small.db');
  await seedLedger({ databasePath: smallPath, events: smallLedgerEvents, ...seedShape });

  let largePath = options.database;
  let largeSource = `existing database ${options.database}`;
  if (largePath === undefined) {
    largePath = join(folder, 'scale-large.db');
    largeSource = 'seeded for this run by npm run seed-db';
    log(`seeding ${options.scaleEvents} events for the scale comparison`);
    const seeded = await seedLedger({ databasePath: largePath, events: options.scaleEvents, ...seedShape });
    log(`seeded ${seeded.events} events at ${Math.round(seeded.rowsPerSecond)} rows/s`);
  }

  const small = await readsOn(runner, smallPath, ' (small ledger)', options.cpuProfileDir);
  const large = await readsOn(runner, largePath, ' (large ledger)', options.cpuProfileDir);
  const rows = (['list', 'get'] as const).map((scenario) => ({
    scenario: scenario === 'list' ? 'list (limit 50)' : 'get by id',
    smallP99Ms: small[scenario].load.latencyP99Ms,
    largeP99Ms: large[scenario].load.latencyP99Ms,
    smallRequestsPerSecond: small[scenario].load.requestsPerSecond,
    largeRequestsPerSecond: large[scenario].load.requestsPerSecond,
    p99Ratio: large[scenario].load.latencyP99Ms / Math.max(1, small[scenario].load.latencyP99Ms),
  }));
  return { smallEvents: small.events, largeEvents: large.events, largeSource, rows };
}

async function readsOn(runner: ScenarioRunner, databasePath: string, label: string, cpuProfileDir: string | undefined): Promise<ReadMeasurements> {
  const server = await startLedgerServer(databasePath, cpuProfileDir);
  try {
    return await measureReads(runner, server, databasePath, label);
  } finally {
    await server.stop();
  }
}
