import type { BenchOptions } from './bench-options';
import type { GroupSizes, ScenarioRow } from './benchmark-results';
import { batchBody, exampleEvent } from './example-event';
import { meanGroupSize, readGroupStats, type GroupMean, type GroupStats } from './read-group-stats';
import { measurementRow, type ScenarioRunner } from './scenario-runner';
import type { ChildServer } from './start-child-server';

/** Rows, commit group sizes and the publish response size from {@link runPublishScenarios}. */
export interface PublishOutcome {
  rows: ScenarioRow[];
  groupSizes: GroupSizes;
  publishResponseBytes: number;
}

const bareRouteName = 'bare Hono POST';

/**
 * Measures the bare POST ceiling, then REST, tRPC and batch publishing on the ledger server.
 * Every request carries the same example event, so each one appends a new event.
 */
export async function runPublishScenarios(runner: ScenarioRunner, ceiling: ChildServer, ledger: ChildServer, options: BenchOptions): Promise<PublishOutcome> {
  const body = JSON.stringify(exampleEvent);
  const rows: ScenarioRow[] = [];
  const publishResponseBytes = await responseBytes(`${ledger.url}/events`, body);

  rows.push(measurementRow(bareRouteName, 'ceiling', await runner.measure(bareRouteName, { url: `${ceiling.url}/events`, method: 'POST', body }, ceiling.pid), 0));

  let beforeRest: GroupStats | undefined;
  const readBeforeRest = async () => {
    beforeRest = await readGroupStats(ledger.url);
  };
  const rest = await runner.measure('REST publish', { url: `${ledger.url}/events`, method: 'POST', body }, ledger.pid, readBeforeRest);
  const restGroup = meanGroupSize(beforeRest, await readGroupStats(ledger.url));
  rows.push({ ...measurementRow('REST publish', 'ledger', rest, 1), ceilingName: bareRouteName });

  const trpcBody = JSON.stringify({ json: exampleEvent });
  const trpc = await runner.measure('tRPC publish', { url: `${ledger.url}/trpc/events.publish`, method: 'POST', body: trpcBody }, ledger.pid);
  rows.push({ ...measurementRow('tRPC publish', 'ledger', trpc, 1), ceilingName: bareRouteName });

  const batch = await runBatchScenario(runner, ledger, options);
  rows.push(batch.row);

  const groupSizes = chooseGroupSizes(options, restGroup, batch.meanGroup, batch.groupMetric ?? beforeRest?.metric);
  return { rows, groupSizes, publishResponseBytes };
}

/** Probes `POST /events/batch` first, so a server without the route yields a skipped row instead of a failed run. */
async function runBatchScenario(runner: ScenarioRunner, ledger: ChildServer, options: BenchOptions) {
  const name = `batch publish (${options.batchSize} events)`;
  const url = `${ledger.url}/events/batch`;
  const body = batchBody(options.batchSize);
  const probe = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const probeText = await probe.text();
  if (!probe.ok) {
    const note = `skipped: the probe request returned HTTP ${probe.status} ${probeText.slice(0, 160)}`;
    return { row: { name, kind: 'ledger', note } satisfies ScenarioRow, meanGroup: undefined, groupMetric: undefined };
  }

  let before: GroupStats | undefined;
  const readBefore = async () => {
    before = await readGroupStats(ledger.url);
  };
  const measurement = await runner.measure(name, { url, method: 'POST', body }, ledger.pid, readBefore);
  const meanGroup = meanGroupSize(before, await readGroupStats(ledger.url));
  const row: ScenarioRow = { ...measurementRow(name, 'ledger', measurement, options.batchSize), ceilingName: sqliteCeilingName('batch') };
  return { row, meanGroup, groupMetric: before?.metric };
}

/** Name of the SQLite insert ceiling row for single publishes or for batches. */
export function sqliteCeilingName(kind: 'publish' | 'batch'): string {
  return kind === 'publish' ? 'SQLite inserts, publish group size' : 'SQLite inserts, batch group size';
}

/**
 * Chooses events per transaction for the SQLite ceilings. A measured mean comes from the
 * server's metrics over the measured part of a scenario: events appended per committed group when it counts events, otherwise the
 * group histogram's own mean. That histogram may count units (requests) rather than events. A
 * batch group contains at least one whole batch, so a mean below the batch size must count units.
 * Without the histogram the ceilings assume the largest possible group, one request per
 * connection, which gives the highest ceiling.
 */
function chooseGroupSizes(options: BenchOptions, rest: GroupMean | undefined, batch: GroupMean | undefined, metric: string | undefined): GroupSizes {
  if (rest === undefined) {
    return {
      publish: options.connections,
      batch: options.connections * options.batchSize,
      source: 'assumed: the server exports no group size histogram at GET /metrics, so one request per connection is assumed (the upper bound)',
    };
  }
  let batchEvents = rest.size * options.batchSize;
  if (batch !== undefined) {
    const countsUnits = batch.unit === 'observed' && batch.size < options.batchSize;
    batchEvents = countsUnits ? batch.size * options.batchSize : batch.size;
  }
  const counted = rest.unit === 'events' ? 'events appended per group' : `the mean of the \`${metric}\` histogram`;
  return {
    publish: Math.max(1, Math.round(rest.size)),
    batch: Math.max(options.batchSize, Math.round(batchEvents)),
    source: `measured from the server's metrics (${counted}) during the REST publish and batch publish scenarios`,
  };
}

async function responseBytes(url: string, body: string): Promise<number> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const bytes = (await response.arrayBuffer()).byteLength;
  if (!response.ok) throw new Error(`POST ${url} returned HTTP ${response.status}; the server rejects the benchmark's example event, so update scripts/bench/example-event.ts`);
  return bytes;
}
