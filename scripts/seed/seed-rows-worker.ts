/**
 * Worker thread that generates seed rows while the main thread inserts the previous chunk,
 * so hashing and SQLite inserts run on two cores. It responds to each `count` request with
 * one chunk encoded by {@link encodeSeedRows}.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { SeedEventSource, type SeedEventSourceOptions } from './seed-event-source';
import { encodeSeedRows } from './seed-row-codec';

/** Data the main thread passes when it starts the worker. */
export interface SeedRowsWorkerData {
  options: Omit<SeedEventSourceOptions, 'heads'> & { heads: Array<[orgId: string, hash: string]> };
}

const { options } = workerData as SeedRowsWorkerData;
const source = new SeedEventSource({ ...options, heads: new Map(options.heads) });

parentPort!.on('message', (count: number) => {
  const rows = Array.from({ length: count }, () => source.next());
  parentPort!.postMessage(encodeSeedRows(rows));
});
