import type { BenchmarkResults } from './benchmark-results';
import type { TargetOutcome } from './evaluate-targets';
import { consoleTable, markdownTable } from './format-table';
import { resultsTable, scaleTable, targetsTable } from './report-tables';

/** Renders the Markdown report of one run, up to (not including) the analysis marker. */
export function renderMarkdownReport(results: BenchmarkResults, outcomes: readonly TargetOutcome[]): string {
  const sections = [
    '# Benchmarks',
    'Written by `npm run bench` (`scripts/bench.ts`); each run replaces everything above the analysis marker. ' +
      'The machine is shared and noisy, so compare figures within one run, as ratios, rather than across runs.',
    `## Run of ${results.startedAt.toISOString()}`,
    environmentList(results),
    '## Results',
    markdownTable(resultsTable(results)),
    '## Targets',
    markdownTable(targetsTable(outcomes)),
  ];
  if (results.scale !== undefined) {
    sections.push(
      '## Reads at scale',
      `List and get on a ledger of ${results.scale.largeEvents.toLocaleString('en-US')} events (${results.scale.largeSource}) ` +
        `against one of ${results.scale.smallEvents.toLocaleString('en-US')} seeded events, each behind its own server.`,
      markdownTable(scaleTable(results.scale)),
    );
  }
  sections.push('## How the figures are measured', methodList(results));
  return `${sections.join('\n\n')}\n`;
}

function environmentList(results: BenchmarkResults): string {
  const { machine, options } = results;
  const packages = Object.entries(machine.packages).map(([name, version]) => `${name} ${version}`).join(', ');
  const flags = [
    `--duration ${options.durationSeconds}`,
    `--warmup ${options.warmupSeconds}`,
    `--connections ${options.connections}`,
    `--batch-size ${options.batchSize}`,
    options.quick ? '--quick' : undefined,
    options.database === undefined ? undefined : `--database ${options.database}`,
    options.scale ? `--scale --scale-events ${options.scaleEvents}` : undefined,
    options.cpuProfileDir === undefined ? undefined : `--cpu-prof ${options.cpuProfileDir}`,
  ].filter((flag) => flag !== undefined);
  return [
    `- Machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB.toFixed(1)} GiB RAM`,
    `- Software: Node ${machine.node}, ${machine.os}, SQLite ${machine.sqlite}`,
    `- Packages: ${packages}`,
    `- Options: \`npm run bench -- ${flags.join(' ')}\` (run took ${Math.round(results.elapsedSeconds)} s)`,
    `- Response sizes: publish ${results.responseBytes.publish} bytes, list ${results.responseBytes.list} bytes, get ${results.responseBytes.get} bytes`,
    `- Read scenarios ran on a ledger of ${results.readLedgerEvents.toLocaleString('en-US')} events` +
      (options.database === undefined ? ', the one the publish scenarios filled' : ` (${options.database})`),
    `- SQLite ceiling transactions: ${results.groupSizes.publish} rows for publish, ${results.groupSizes.batch} rows for batch; group size ${results.groupSizes.source}`,
  ].join('\n');
}

function methodList(results: BenchmarkResults): string {
  const lines = [
    '- Load: autocannon in its own child process, keep-alive connections each sending the next request when the previous response arrives, after an unmeasured warm-up. ' +
      'Every publish sends the same example event, so each request appends a new event.',
    '- req/s counts 2xx responses only. Latencies are of 2xx responses, at autocannon\'s 1 ms resolution. "failed requests" counts non-2xx responses, connection errors and timeouts.',
    '- Server RSS and CPU come from `/proc/<pid>/status` (VmRSS, sampled every 200 ms, peak shown) and `/proc/<pid>/stat` (user plus system time of all threads over the measured window), ' +
      'so 200% means two busy cores. Ceiling rows show the ceiling server\'s figures.',
    '- Ceilings: a bare Hono app on @hono/node-server in its own process parses the same JSON and responds 201 with a similar JSON envelope, or returns a static body of the ledger response\'s size. ' +
      'The SQLite ceilings insert pre-built, hash-chained rows with better-sqlite3 in one process, into a database made by the ledger\'s migrations, with WAL and synchronous=FULL.',
    '- Ratios: HTTP scenarios divide req/s by their HTTP ceiling; batch publish divides events/s by the SQLite ceiling at the batch group size.',
  ];
  if (results.scale !== undefined) {
    lines.push('- Reads at scale: a p99 of 0 ms counts as 1 ms in the ratio, so the ratio stays finite.');
  }
  if (results.cpuProfileDir !== undefined) {
    lines.push(`- Every ledger server ran with \`node --cpu-prof\`, which writes one \`.cpuprofile\` per thread to \`${results.cpuProfileDir}\` when the server exits.`);
  }
  return lines.join('\n');
}

/** Renders the tables for the terminal. */
export function renderConsoleReport(results: BenchmarkResults, outcomes: readonly TargetOutcome[]): string {
  const parts = [consoleTable(resultsTable(results)), '', consoleTable(targetsTable(outcomes))];
  if (results.scale !== undefined) parts.push('', consoleTable(scaleTable(results.scale)));
  return `${parts.join('\n')}\n`;
}
