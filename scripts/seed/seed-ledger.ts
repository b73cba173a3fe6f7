import type { Worker } from 'node:worker_threads';
import type BetterSqlite3 from 'better-sqlite3';
import { startWorker } from '../../server/src/runtime/start-worker';
import { openSqlite } from '../../server/src/storage/sqlite/open-sqlite';
import { compileQuery, queryBuilder } from '../../server/src/storage/sqlite/query-builder';
import { runMigrations } from '../../server/src/storage/sqlite/run-migrations';
import { checkPositiveIntegers, seedOrgId } from './seed-event-source';
import { decodeSeedRowFields, seedRowFieldCount } from './seed-row-codec';
import type { SeedRowsWorkerData } from './seed-rows-worker';

/** Settings of {@link seedLedger}. */
export interface SeedLedgerOptions {
  /** Database file; created with the ledger's migrations when missing. */
  databasePath: string;
  /** Number of events to append. */
  events: number;
  orgs: number;
  types: number;
  /** Rows per transaction. Defaults to 50,000. */
  transactionSize?: number;
  /** Called after each transaction with the number of events written so far. */
  onProgress?: (written: number) => void;
}

/** Outcome of {@link seedLedger}. */
export interface SeedLedgerResult {
  events: number;
  elapsedMs: number;
  rowsPerSecond: number;
}

const defaultTransactionSize = 50_000;
/** Spacing of seeded timestamps when the ledger is empty: the events end at the current time. */
const seedSpacingMs = 1;

/**
 * Appends `events` valid, hash-chained events to the ledger database at `databasePath`, writing
 * directly with better-sqlite3 in large transactions while a worker thread builds and hashes
 * the rows. Chains continue from each seeded organisation's current head, and timestamps start
 * at the newest existing one, so seeding an existing ledger keeps it verifiable.
 *
 * Seeding runs with `synchronous = OFF`: a crash or power loss while seeding can corrupt the
 * file, which is acceptable for generated data but never for a live ledger. Do not run it while
 * a server writes to the same file, because the server caches chain heads.
 */
export async function seedLedger(options: SeedLedgerOptions): Promise<SeedLedgerResult> {
  checkPositiveIntegers({ events: options.events, orgs: options.orgs, types: options.types, transactionSize: options.transactionSize ?? defaultTransactionSize });
  const connection = openSqlite(options.databasePath, { role: 'writer' });
  try {
    await runMigrations(connection);
    connection.pragma('synchronous = OFF');
    // A 256 MiB page cache keeps the UNIQUE indexes, which are updated on every insert, in memory.
    connection.pragma('cache_size = -262144');

    const sourceOptions = { total: options.events, orgs: options.orgs, types: options.types, ...timeRange(connection, options.events) };
    const heads = [...readHeads(connection, options.orgs)];
    const started = performance.now();
    const restoreIndexes = dropSecondaryIndexesForBulkLoad(connection, options.events);
    try {
      await writeRows(connection, { options: { ...sourceOptions, heads } }, options);
    } finally {
      restoreIndexes();
    }
    connection.pragma('wal_checkpoint(TRUNCATE)');
    const elapsedMs = performance.now() - started;
    return { events: options.events, elapsedMs, rowsPerSecond: options.events / (elapsedMs / 1000) };
  } finally {
    connection.close();
  }
}

/**
 * Inserts chunks that a worker thread generates. Two requests stay outstanding, so the worker
 * builds the next chunk while this thread inserts the current one.
 */
async function writeRows(connection: BetterSqlite3.Database, workerData: SeedRowsWorkerData, options: SeedLedgerOptions): Promise<void> {
  const insert = prepareInsert(connection);
  const writeChunk = connection.transaction((fields: string[]) => insertFields(insert, fields));
  const transactionSize = options.transactionSize ?? defaultTransactionSize;
  const worker = startWorker({ devUrl: new URL('./seed-rows-worker.ts', import.meta.url), seaAsset: 'seed-rows-worker.js', bundleFile: 'seed-rows-worker.mjs' }, { workerData, name: 'seed-rows' });
  try {
    const chunks = new ChunkQueue(worker);
    let requested = 0;
    const request = () => {
      const count = Math.min(transactionSize, options.events - requested);
      if (count === 0) return;
      worker.postMessage(count);
      requested += count;
    };
    request();
    request();
    let written = 0;
    while (written < options.events) {
      const fields = decodeSeedRowFields(await chunks.next());
      request();
      writeChunk(fields);
      written += fields.length / seedRowFieldCount;
      options.onProgress?.(written);
    }
  } finally {
    await worker.terminate();
  }
}

/** Delivers the worker's messages in order and turns a worker failure into a rejection. */
class ChunkQueue {
  private readonly ready: string[] = [];
  private waiting: { resolve: (text: string) => void; reject: (error: Error) => void } | undefined;
  private failure: Error | undefined;

  constructor(worker: Worker) {
    worker.on('message', (text: string) => {
      if (this.waiting === undefined) this.ready.push(text);
      else this.take().resolve(text);
    });
    worker.on('error', (error) => this.fail(error));
    worker.on('exit', (code) => this.fail(new Error(`the seed row worker exited early with code ${code}`)));
  }

  next(): Promise<string> {
    const text = this.ready.shift();
    if (text !== undefined) return Promise.resolve(text);
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
    });
  }

  private fail(error: Error): void {
    this.failure ??= error;
    if (this.waiting !== undefined) this.take().reject(this.failure);
  }

  private take() {
    const waiting = this.waiting!;
    this.waiting = undefined;
    return waiting;
  }
}

/** Prepares the INSERT of one `ledger_events` row, with parameters in {@link decodeSeedRowFields} order. */
export function prepareInsert(connection: BetterSqlite3.Database): BetterSqlite3.Statement {
  const query = queryBuilder.insertInto('ledger_events').values({
    id: '', org_id: '', type: '', actor_id: '', actor: '', payload: '', timestamp: '', prev_hash: '', hash: '',
  });
  return connection.prepare(compileQuery(query).sql);
}

/** Inserts rows given as flat fields, nine per row, with a statement from {@link prepareInsert}. */
export function insertFields(insert: BetterSqlite3.Statement, fields: readonly string[]): void {
  for (let offset = 0; offset < fields.length; offset += seedRowFieldCount) {
    insert.run(fields.slice(offset, offset + seedRowFieldCount));
  }
}

/**
 * Drops the secondary indexes of `ledger_events` when the load at least doubles the table, and
 * returns a function that recreates them from their stored `CREATE INDEX` text. Building an
 * index once over the loaded rows costs far less than updating it on every insert. UNIQUE
 * indexes stay, so every row is still checked against them as it is inserted.
 */
function dropSecondaryIndexesForBulkLoad(connection: BetterSqlite3.Database, events: number): () => void {
  // The ledger never deletes, so the highest sequence number is the row count.
  const existing = connection.prepare('select coalesce(max(seq), 0) from ledger_events').pluck().get() as number;
  if (events < existing) return () => undefined;
  const indexes = connection
    .prepare("select name, sql from sqlite_master where type = 'index' and tbl_name = 'ledger_events' and sql is not null and sql not like 'create unique%'")
    .all() as Array<{ name: string; sql: string }>;
  for (const index of indexes) connection.exec(`drop index "${index.name}"`);
  return () => {
    for (const index of indexes) connection.exec(index.sql);
  };
}

/** Reads the newest hash of each seeded organisation that already has events. */
function readHeads(connection: BetterSqlite3.Database, orgs: number): Map<string, string> {
  const head = connection.prepare(
    compileQuery(queryBuilder.selectFrom('ledger_events').select('hash').where('org_id', '=', '').orderBy('seq', 'desc').limit(1)).sql,
  ).pluck();
  const heads = new Map<string, string>();
  for (let index = 0; index < orgs; index++) {
    const orgId = seedOrgId(index);
    const hash = head.get(orgId, 1) as string | undefined;
    if (hash !== undefined) heads.set(orgId, hash);
  }
  return heads;
}

/**
 * Chooses timestamps that end at the current time and start no earlier than the newest
 * existing event, so the ledger's timestamps never decrease. Seeded timestamps lie in the
 * future only when an existing one already does.
 */
function timeRange(connection: BetterSqlite3.Database, events: number): { startTimeMs: number; endTimeMs: number } {
  const newest = connection.prepare(
    compileQuery(queryBuilder.selectFrom('ledger_events').select('timestamp').orderBy('seq', 'desc').limit(1)).sql,
  ).pluck().get(1) as string | undefined;
  const endTimeMs = Math.max(Date.now(), newest === undefined ? 0 : Date.parse(newest));
  const earliest = newest === undefined ? endTimeMs - events * seedSpacingMs : Date.parse(newest);
  return { startTimeMs: Math.max(earliest, endTimeMs - events * seedSpacingMs), endTimeMs };
}
