import type { ScenarioRow } from './benchmark-results';
import { sampleLedger } from './sample-ledger';
import { measurementRow, type Measurement, type ScenarioRunner } from './scenario-runner';
import type { ChildServer } from './start-child-server';

/** Path of the list scenario: the first page of 50 events. */
export const listPath = '/events?limit=50';
/** Number of different ids the get scenario cycles through. */
const getIdCount = 100;

/** List and get measured on one ledger server. */
export interface ReadMeasurements {
  list: Measurement;
  get: Measurement;
  listBytes: number;
  getBytes: number;
  events: number;
}

/**
 * Measures `GET /events?limit=50` and `GET /events/{id}` on `ledger`, whose database is at
 * `databasePath`. Each connection cycles through 100 ids spread over the whole ledger.
 *
 * @throws Error when the ledger contains no events, because get needs existing ids.
 */
export async function measureReads(runner: ScenarioRunner, ledger: ChildServer, databasePath: string, label = ''): Promise<ReadMeasurements> {
  const { ids, events } = sampleLedger(databasePath, getIdCount);
  if (ids.length === 0) throw new Error(`the database ${databasePath} contains no events; seed it first with npm run seed-db`);
  const listBytes = await responseBytes(`${ledger.url}${listPath}`);
  const getBytes = await responseBytes(`${ledger.url}/events/${ids[0]}`);
  const list = await runner.measure(`list${label}`, { url: `${ledger.url}${listPath}`, method: 'GET' }, ledger.pid);
  const get = await runner.measure(`get${label}`, { url: ledger.url, method: 'GET', paths: ids.map((id) => `/events/${id}`) }, ledger.pid);
  return { list, get, listBytes, getBytes, events };
}

/** Measures the read scenarios and, beside each, a bare GET of a static body of the same size. */
export async function runReadScenarios(runner: ScenarioRunner, ceiling: ChildServer, ledger: ChildServer, databasePath: string) {
  const reads = await measureReads(runner, ledger, databasePath);
  const rows: ScenarioRow[] = [];
  for (const [scenario, measurement, bytes] of [['list', reads.list, reads.listBytes], ['get', reads.get, reads.getBytes]] as const) {
    const ceilingName = `bare Hono GET, ${bytes} bytes`;
    const bare = await runner.measure(ceilingName, { url: `${ceiling.url}/static/${bytes}`, method: 'GET' }, ceiling.pid);
    rows.push(measurementRow(ceilingName, 'ceiling', bare, 0));
    rows.push({ ...measurementRow(scenario === 'list' ? 'list (limit 50)' : 'get by id', 'ledger', measurement, 0), ceilingName });
  }
  return { rows, listBytes: reads.listBytes, getBytes: reads.getBytes, events: reads.events };
}

async function responseBytes(url: string): Promise<number> {
  const response = await fetch(url);
  const bytes = (await response.arrayBuffer()).byteLength;
  if (!response.ok) throw new Error(`GET ${url} returned HTTP ${response.status}, expected 200`);
  return bytes;
}
