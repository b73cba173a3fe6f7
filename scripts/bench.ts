/**
 * Measures the ledger server against the ceilings of its own stack and writes docs/benchmarks.md.
 *
 * Usage: npm run bench -- [--quick] [--duration 10] [--warmup 3] [--connections 50]
 *   [--batch-size 100] [--database path] [--scale [--scale-events 1000000]] [--cpu-prof [dir]]
 *   [--output docs/benchmarks.md]
 *
 * Everything runs on 127.0.0.1: the server, the bare Hono ceiling server and the autocannon
 * load generator each in a child process, all stopped before the script exits.
 */
import { parseBenchOptions } from './bench/bench-options';
import { evaluateTargets } from './bench/evaluate-targets';
import { runInterruptCleanups } from './bench/interrupt-cleanup';
import { renderConsoleReport, renderMarkdownReport } from './bench/render-report';
import { runBenchmark } from './bench/run-benchmark';
import { writeReport } from './bench/write-report';

const options = parseBenchOptions(process.argv.slice(2));
const startedMs = performance.now();
const log = (line: string) => {
  const elapsed = ((performance.now() - startedMs) / 1000).toFixed(1);
  process.stdout.write(`[bench +${elapsed} s] ${line}\n`);
};

// A stop signal skips the clean-up in runBenchmark, so the child processes and temporary files are removed here.
for (const [signal, exitCode] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
  process.once(signal, () => {
    runInterruptCleanups();
    process.exit(exitCode);
  });
}

try {
  const results = await runBenchmark(options, log);
  const outcomes = evaluateTargets(results);
  process.stdout.write(`\n${renderConsoleReport(results, outcomes)}`);
  writeReport(options.output, renderMarkdownReport(results, outcomes));
  log(`report written to ${options.output}`);
} catch (error) {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
