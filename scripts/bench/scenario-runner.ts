import type { BenchOptions } from './bench-options';
import type { ScenarioRow } from './benchmark-results';
import type { LoadGenerator } from './load-generator';
import type { LoadJob, LoadResult } from './load-job';
import { ProcessSampler, type ProcessUsage } from './process-sampler';

/** Figures of one scenario: autocannon's results and the serving process's resource use. */
export interface Measurement {
  load: LoadResult;
  usage: ProcessUsage;
}

/** A load job without the run length and concurrency, which come from the options. */
export type ScenarioJob = Omit<LoadJob, 'connections' | 'durationSeconds'>;

/** Runs scenarios with the run's options: an unmeasured warm-up, then a measured run while sampling the server. */
export class ScenarioRunner {
  constructor(
    private readonly load: LoadGenerator,
    private readonly options: BenchOptions,
    private readonly log: (line: string) => void,
  ) {}

  /**
   * Loads `job` and samples the process `pid` that serves it during the measured part.
   * `beforeMeasured` runs between the warm-up and the measured part.
   */
  async measure(name: string, job: ScenarioJob, pid: number, beforeMeasured?: () => Promise<void>): Promise<Measurement> {
    const { connections, warmupSeconds, durationSeconds } = this.options;
    this.log(`${name}: ${warmupSeconds} s warm-up, ${durationSeconds} s measured, ${connections} connections`);
    if (warmupSeconds > 0) await this.load.run({ ...job, connections, durationSeconds: warmupSeconds });
    await beforeMeasured?.();
    const sampler = new ProcessSampler(pid);
    const load = await this.load.run({ ...job, connections, durationSeconds });
    return { load, usage: sampler.stop() };
  }
}

/** Builds a table row from a measurement; `eventsPerRequest` is 0 for reads and HTTP ceilings, which append nothing. */
export function measurementRow(name: string, kind: ScenarioRow['kind'], measurement: Measurement, eventsPerRequest: number): ScenarioRow {
  const { load, usage } = measurement;
  const row: ScenarioRow = {
    name,
    kind,
    requestsPerSecond: load.requestsPerSecond,
    p50Ms: load.latencyP50Ms,
    p99Ms: load.latencyP99Ms,
    usage,
    failedRequests: load.non2xx + load.errors + load.timeouts,
  };
  if (eventsPerRequest > 0) row.eventsPerSecond = load.requestsPerSecond * eventsPerRequest;
  return row;
}
