import type { BenchmarkResults, ScenarioRow } from './benchmark-results';

/** One performance target and whether this run met it. */
export interface TargetOutcome {
  target: string;
  measured: string;
  /** Undefined when the run could not measure it, for example when a scenario was skipped. */
  met: boolean | undefined;
}

/** Target figures of the ledger on its benchmark machine, as ratios within one run where possible. */
export const targets = {
  restPublishRatio: 0.6,
  restPublishP99Ms: 25,
  readRatio: 0.7,
  batchEventsPerSecond: 50_000,
  peakRssMb: 250,
  scaleP99Ratio: 1.5,
} as const;

/** Checks the run's figures against {@link targets}. */
export function evaluateTargets(results: BenchmarkResults): TargetOutcome[] {
  const find = (prefix: string) => results.rows.find((row) => row.kind === 'ledger' && row.name.startsWith(prefix));
  const rest = find('REST publish');
  const batch = find('batch publish');
  const outcomes: TargetOutcome[] = [
    {
      target: `REST publish ≥ ${percent(targets.restPublishRatio)} of the bare Hono POST`,
      measured: rest?.ratio === undefined ? 'not measured' : percent(rest.ratio),
      met: rest?.ratio === undefined ? undefined : rest.ratio >= targets.restPublishRatio,
    },
    {
      target: `REST publish p99 < ${targets.restPublishP99Ms} ms`,
      measured: rest?.p99Ms === undefined ? 'not measured' : `${rest.p99Ms} ms`,
      met: rest?.p99Ms === undefined ? undefined : rest.p99Ms < targets.restPublishP99Ms,
    },
    readTarget('list', find('list')),
    readTarget('get', find('get')),
    {
      target: `batch publish ≥ ${targets.batchEventsPerSecond.toLocaleString('en-US')} events/s`,
      measured: batch?.eventsPerSecond === undefined ? (batch?.note ?? 'not measured') : `${Math.round(batch.eventsPerSecond).toLocaleString('en-US')} events/s`,
      met: batch?.eventsPerSecond === undefined ? undefined : batch.eventsPerSecond >= targets.batchEventsPerSecond,
    },
    rssTarget(results.rows),
  ];
  for (const row of results.scale?.rows ?? []) {
    outcomes.push({
      target: `${row.scenario} p99 at ${results.scale!.largeEvents.toLocaleString('en-US')} events ≤ ${targets.scaleP99Ratio}× the small ledger`,
      measured: `${row.p99Ratio.toFixed(2)}× (${row.largeP99Ms} ms vs ${row.smallP99Ms} ms)`,
      met: row.p99Ratio <= targets.scaleP99Ratio,
    });
  }
  return outcomes;
}

function readTarget(scenario: string, row: ScenarioRow | undefined): TargetOutcome {
  return {
    target: `${scenario} ≥ ${percent(targets.readRatio)} of a bare Hono GET of the same size`,
    measured: row?.ratio === undefined ? 'not measured' : percent(row.ratio),
    met: row?.ratio === undefined ? undefined : row.ratio >= targets.readRatio,
  };
}

/** Checks the ledger server's highest RSS in any scenario against the target. */
function rssTarget(rows: readonly ScenarioRow[]): TargetOutcome {
  const peaks = rows.filter((row) => row.kind === 'ledger' && row.usage !== undefined).map((row) => row.usage!.peakRssMb);
  const peak = peaks.length === 0 ? undefined : Math.max(...peaks);
  return {
    target: `ledger server RSS under load < ${targets.peakRssMb} MB`,
    measured: peak === undefined ? 'not measured' : `${Math.round(peak)} MB`,
    met: peak === undefined ? undefined : peak < targets.peakRssMb,
  };
}

function percent(ratio: number): string {
  return `${Math.round(ratio * 100)}%`;
}
