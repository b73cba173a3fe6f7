import type { BenchOptions } from './bench-options';
import type { MachineDescription } from './describe-machine';
import type { ProcessUsage } from './process-sampler';

/** One line of the results table: a ledger scenario or a ceiling. */
export interface ScenarioRow {
  name: string;
  kind: 'ledger' | 'ceiling';
  requestsPerSecond?: number;
  /** Events appended per second; for the SQLite ceiling, rows inserted per second. */
  eventsPerSecond?: number;
  p50Ms?: number;
  p99Ms?: number;
  /** Resource use of the process that served the scenario. */
  usage?: ProcessUsage;
  /** Non-2xx responses, connection errors and timeouts. A row with failures has suspect figures. */
  failedRequests?: number;
  /** Name of the ceiling row this row is compared with. */
  ceilingName?: string;
  /** This row's throughput divided by its ceiling's, in the unit both share. */
  ratio?: number;
  /** Reason the scenario was skipped, or how to read its figures. */
  note?: string;
}

/** Events per SQLite transaction that the ceilings use, and where the figure comes from. */
export interface GroupSizes {
  publish: number;
  batch: number;
  source: string;
}

/** Latency at a large ledger compared with a nearly empty one. */
export interface ScaleComparison {
  smallEvents: number;
  largeEvents: number;
  largeSource: string;
  rows: Array<{ scenario: string; smallP99Ms: number; largeP99Ms: number; smallRequestsPerSecond: number; largeRequestsPerSecond: number; p99Ratio: number }>;
}

/** Everything one run measured, as the report shows it. */
export interface BenchmarkResults {
  startedAt: Date;
  elapsedSeconds: number;
  options: BenchOptions;
  machine: MachineDescription;
  rows: ScenarioRow[];
  groupSizes: GroupSizes;
  responseBytes: { publish: number; list: number; get: number };
  /** Events in the ledger the read scenarios ran on. */
  readLedgerEvents: number;
  scale?: ScaleComparison;
  cpuProfileDir?: string;
}
