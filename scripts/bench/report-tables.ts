import type { BenchmarkResults, ScaleComparison, ScenarioRow } from './benchmark-results';
import type { TargetOutcome } from './evaluate-targets';
import type { TextTable } from './format-table';

const dash = '–';

/** Builds the results table: one row per scenario and ceiling. */
export function resultsTable(results: BenchmarkResults): TextTable {
  return {
    headers: ['Scenario', 'req/s', 'events/s', 'p50 ms', 'p99 ms', 'server peak RSS MB', 'server CPU %', 'failed requests', 'ceiling', 'ratio to ceiling'],
    rows: results.rows.map(scenarioCells),
    numericColumns: [1, 2, 3, 4, 5, 6, 7, 9],
  };
}

function scenarioCells(row: ScenarioRow): string[] {
  if (row.requestsPerSecond === undefined && row.eventsPerSecond === undefined) {
    return [row.name, dash, dash, dash, dash, dash, dash, dash, row.ceilingName ?? dash, row.note ?? dash];
  }
  return [
    row.kind === 'ceiling' ? `${row.name} (ceiling)` : row.name,
    formatCount(row.requestsPerSecond),
    formatCount(row.eventsPerSecond),
    row.p50Ms === undefined ? dash : String(row.p50Ms),
    row.p99Ms === undefined ? dash : String(row.p99Ms),
    row.usage === undefined ? dash : row.usage.peakRssMb.toFixed(0),
    row.usage === undefined ? dash : row.usage.cpuPercent.toFixed(0),
    row.failedRequests === undefined ? dash : String(row.failedRequests),
    row.ceilingName ?? dash,
    row.ratio === undefined ? dash : row.ratio.toFixed(2),
  ];
}

/** Builds the targets table with a met or missed verdict per target. */
export function targetsTable(outcomes: readonly TargetOutcome[]): TextTable {
  return {
    headers: ['Target', 'Measured', 'Met'],
    rows: outcomes.map((outcome) => [outcome.target, outcome.measured, verdict(outcome.met)]),
    numericColumns: [],
  };
}

/** Builds the latency comparison of list and get on a small and a large ledger. */
export function scaleTable(scale: ScaleComparison): TextTable {
  const small = scale.smallEvents.toLocaleString('en-US');
  const large = scale.largeEvents.toLocaleString('en-US');
  return {
    headers: ['Scenario', `req/s at ${small}`, `req/s at ${large}`, `p99 ms at ${small}`, `p99 ms at ${large}`, 'p99 ratio'],
    rows: scale.rows.map((row) => [
      row.scenario,
      formatCount(row.smallRequestsPerSecond),
      formatCount(row.largeRequestsPerSecond),
      String(row.smallP99Ms),
      String(row.largeP99Ms),
      `${row.p99Ratio.toFixed(2)}×`,
    ]),
    numericColumns: [1, 2, 3, 4, 5],
  };
}

function verdict(met: boolean | undefined): string {
  if (met === undefined) return 'not measured';
  return met ? 'met' : 'missed';
}

function formatCount(value: number | undefined): string {
  return value === undefined ? dash : Math.round(value).toLocaleString('en-US');
}
