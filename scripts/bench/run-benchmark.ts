import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchOptions } from './bench-options';
import type { BenchmarkResults, GroupSizes, ScenarioRow } from './benchmark-results';
import { describeMachine } from './describe-machine';
import { addInterruptCleanup } from './interrupt-cleanup';
import { LoadGenerator } from './load-generator';
import { measureSqliteCeiling } from './measure-sqlite-ceiling';
import { runPublishScenarios, sqliteCeilingName } from './publish-scenarios';
import { runReadScenarios } from './read-scenarios';
import { runScaleComparison } from './scale-comparison';
import { ScenarioRunner } from './scenario-runner';
import { startCeilingServer, startLedgerServer } from './start-bench-servers';
import type { ChildServer } from './start-child-server';

/**
 * Runs every scenario of `npm run bench` and returns the figures. Servers and the load generator
 * run in child processes on 127.0.0.1; each is stopped by its own PID before this returns, and
 * the temporary databases are removed.
 */
export async function runBenchmark(options: BenchOptions, log: (line: string) => void): Promise<BenchmarkResults> {
  const startedAt = new Date();
  const folder = mkdtempSync(join(tmpdir(), 'event-ledger-bench-'));
  const removeFolder = () => rmSync(folder, { recursive: true, force: true });
  const cancelInterruptRemoval = addInterruptCleanup(removeFolder);
  const load = LoadGenerator.start();
  const servers: ChildServer[] = [];
  try {
    const runner = new ScenarioRunner(load, options, log);
    const ledgerPath = join(folder, 'ledger.db');
    const [ceiling, ledger] = await startServers(servers, ledgerPath, options.cpuProfileDir);

    const publish = await runPublishScenarios(runner, ceiling, ledger, options);
    const reads = await readScenarios(runner, ceiling, ledger, ledgerPath, options, servers);
    const sqliteRows = await sqliteCeilingRows(folder, publish.groupSizes, options, log);
    const scale = options.scale ? await runScaleComparison(runner, options, folder, log) : undefined;

    const rows = assignRatios([...publish.rows, ...reads.rows, ...sqliteRows]);
    const results: BenchmarkResults = {
      startedAt,
      elapsedSeconds: (Date.now() - startedAt.getTime()) / 1000,
      options,
      machine: describeMachine(),
      rows,
      groupSizes: publish.groupSizes,
      responseBytes: { publish: publish.publishResponseBytes, list: reads.listBytes, get: reads.getBytes },
      readLedgerEvents: reads.events,
    };
    if (scale !== undefined) results.scale = scale;
    if (options.cpuProfileDir !== undefined) results.cpuProfileDir = options.cpuProfileDir;
    return results;
  } finally {
    for (const server of servers.reverse()) await server.stop();
    await load.close();
    removeFolder();
    cancelInterruptRemoval();
  }
}

/**
 * Starts the ceiling server and the ledger server in parallel. Each one that starts goes into
 * `servers`, so the caller stops it even when the other fails to start.
 */
async function startServers(servers: ChildServer[], ledgerPath: string, cpuProfileDir: string | undefined): Promise<[ChildServer, ChildServer]> {
  const [ceiling, ledger] = await Promise.allSettled([startCeilingServer(), startLedgerServer(ledgerPath, cpuProfileDir)]);
  if (ceiling.status === 'fulfilled') servers.push(ceiling.value);
  if (ledger.status === 'fulfilled') servers.push(ledger.value);
  if (ceiling.status === 'rejected') throw ceiling.reason;
  if (ledger.status === 'rejected') throw ledger.reason;
  return [ceiling.value, ledger.value];
}

/** Runs the reads on the publish ledger, or on a server of its own for `--database`. */
async function readScenarios(runner: ScenarioRunner, ceiling: ChildServer, ledger: ChildServer, ledgerPath: string, options: BenchOptions, servers: ChildServer[]) {
  if (options.database === undefined) return runReadScenarios(runner, ceiling, ledger, ledgerPath);
  const reader = await startLedgerServer(options.database, options.cpuProfileDir);
  servers.push(reader);
  return runReadScenarios(runner, ceiling, reader, options.database);
}

async function sqliteCeilingRows(folder: string, groups: GroupSizes, options: BenchOptions, log: (line: string) => void): Promise<ScenarioRow[]> {
  const rows: ScenarioRow[] = [];
  for (const kind of ['publish', 'batch'] as const) {
    const rowsPerTransaction = groups[kind];
    const name = sqliteCeilingName(kind);
    log(`${name}: ${rowsPerTransaction} rows per transaction, ${options.durationSeconds} s of inserts`);
    const ceiling = await measureSqliteCeiling({ folder, rowsPerTransaction, durationSeconds: options.durationSeconds });
    rows.push({ name, kind: 'ceiling', eventsPerSecond: ceiling.rowsPerSecond, note: `${rowsPerTransaction} rows per transaction, synchronous=FULL` });
  }
  return rows;
}

/**
 * Sets each ledger row's ratio to its ceiling: requests per second against an HTTP ceiling,
 * events per second against a SQLite ceiling, which serves no requests.
 */
function assignRatios(rows: ScenarioRow[]): ScenarioRow[] {
  const byName = new Map(rows.map((row) => [row.name, row]));
  return rows.map((row) => {
    const ceiling = row.ceilingName === undefined ? undefined : byName.get(row.ceilingName);
    if (ceiling === undefined) return row;
    const perRequest = ceiling.requestsPerSecond !== undefined;
    const measured = perRequest ? row.requestsPerSecond : row.eventsPerSecond;
    const limit = perRequest ? ceiling.requestsPerSecond : ceiling.eventsPerSecond;
    if (measured === undefined || limit === undefined || limit <= 0) return row;
    return { ...row, ratio: measured / limit };
  });
}
