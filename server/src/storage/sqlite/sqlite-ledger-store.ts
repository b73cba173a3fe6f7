import type { Worker } from 'node:worker_threads';
import type BetterSqlite3 from 'better-sqlite3';
import type { Logger } from 'pino';
import { eventJson } from '../../ledger/event-hash';
import { startWorker, type WorkerEntry } from '../../runtime/start-worker';
import type { AppendOutcome, EventQuery, EventView, LedgerStore, NewEvent, StoredEvent } from '../ledger-store';
import { LedgerReader } from './ledger-reader';
import { sqliteNativeBindingPath } from './native-binding';
import { openSqlite } from './open-sqlite';
import { runMigrations } from './run-migrations';
import type { AppendGroupStats, WriterRequest, WriterResponse, WriterStartMessage, WriterThreadData } from './writer-protocol';

export interface SqliteLedgerStoreOptions {
  path: string;
  logger: Logger;
  /** Module the writer thread runs; the default serves the ledger alone. */
  writerEntry?: WorkerEntry;
}

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };

/** Raised when the writer thread is gone; the API maps it to 503. */
export class WriterUnavailableError extends Error {
  override readonly name = 'WriterUnavailableError';
}

/**
 * The embedded SQLite store. Reads run on this thread's read-only connection. Writes go to
 * one writer thread, so fsync never blocks the event loop and each chain has one writer.
 */
export class SqliteLedgerStore implements LedgerStore {
  private readonly pending = new Map<number, Pending>();
  private nextRequestId = 1;
  private queuedUnits: Array<{ events: NewEvent[]; resolve: (outcome: AppendOutcome) => void; reject: (error: Error) => void }> = [];
  private flushScheduled = false;
  private writerError: Error | undefined;
  /** Called after each committed append group, for metrics. */
  onGroupCommitted: ((stats: AppendGroupStats) => void) | undefined;
  private closed = false;

  private constructor(
    private readonly reader: LedgerReader,
    private readonly readConnection: BetterSqlite3.Database,
    private readonly worker: Worker,
    private readonly logger: Logger,
  ) {
    worker.on('message', (message: WriterResponse | AppendGroupStats) => {
      if ('kind' in message) this.onGroupCommitted?.(message);
      else this.settle(message);
    });
    worker.on('error', (error) => this.failWriter(error));
    worker.on('exit', (code) => {
      if (!this.closed) this.failWriter(new Error(`the writer thread exited with code ${code}`));
    });
  }

  /** Opens the database, applies migrations and starts the writer thread. */
  static async open(options: SqliteLedgerStoreOptions): Promise<SqliteLedgerStore> {
    const migrationConnection = openSqlite(options.path, { role: 'writer' });
    try {
      await runMigrations(migrationConnection);
    } finally {
      migrationConnection.close();
    }
    const readConnection = openSqlite(options.path, { role: 'reader' });
    const workerData: WriterThreadData = { databasePath: options.path, nativeBindingPath: sqliteNativeBindingPath() };
    const entry = options.writerEntry ?? { devUrl: new URL('./writer-entry.ts', import.meta.url), seaAsset: 'writer-entry.js', bundleFile: 'writer-entry.mjs' };
    // The writer keeps little on its heap; a small young generation keeps its memory low under load.
    const worker = startWorker(entry, { workerData, name: 'ledger-writer', resourceLimits: { maxYoungGenerationSizeMb: 8 } });
    await waitForStart(worker);
    return new SqliteLedgerStore(new LedgerReader(readConnection), readConnection, worker, options.logger);
  }

  /** Queues the unit; all units queued in one event-loop turn travel to the writer together. */
  append(events: NewEvent[]): Promise<AppendOutcome> {
    return new Promise((resolve, reject) => {
      this.queuedUnits.push({ events, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flushAppends());
      }
    });
  }

  private flushAppends(): void {
    this.flushScheduled = false;
    const units = this.queuedUnits;
    this.queuedUnits = [];
    this.request<AppendOutcome[]>({ op: 'append', units: units.map((unit) => unit.events) }).then(
      (outcomes) => {
        for (const outcome of outcomes) if (outcome.ok) this.cacheAppended(outcome.events);
        units.forEach((unit, index) => unit.resolve(outcomes[index]!));
      },
      (error: Error) => units.forEach((unit) => unit.reject(error)),
    );
  }

  /** Keeps just-appended events in the view cache, since clients that tail the log read them next. */
  private cacheAppended(events: StoredEvent[]): void {
    for (const event of events) this.reader.views.add({ seq: event.seq, id: event.id, orgId: event.orgId, json: eventJson(event) });
  }

  /** Runs a named writer operation (registered by the writer entry) in the writer thread. */
  call<Result>(name: string, args: unknown): Promise<Result> {
    return this.request<Result>({ op: 'call', name, args });
  }

  async getEvent(id: string): Promise<EventView | undefined> {
    return this.reader.getEvent(id);
  }

  async listEvents(query: EventQuery): Promise<EventView[]> {
    return this.reader.listEvents(query);
  }

  async firstSeqAtOrAfter(timestamp: string): Promise<number | undefined> {
    return this.reader.firstSeqAtOrAfter(timestamp);
  }

  async readChain(afterSeq: number, limit: number): Promise<StoredEvent[]> {
    return this.reader.readChain(afterSeq, limit);
  }

  async cursorSecret(): Promise<string> {
    const secret = this.reader.metaValue('cursor_secret');
    if (secret === undefined) throw new Error('the database has no cursor secret; its migrations did not complete');
    return secret;
  }

  /** The read-only connection, for checks such as readiness. */
  get readerConnection(): BetterSqlite3.Database {
    return this.readConnection;
  }

  /** True while the writer thread runs. */
  get writable(): boolean {
    return this.writerError === undefined && !this.closed;
  }

  /** Waits for the replies to every request already sent, then closes both connections. */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.flushScheduled) this.flushAppends();
    if (this.writerError === undefined) await this.request({ op: 'close' });
    this.closed = true;
    await this.worker.terminate();
    this.readConnection.close();
  }

  private request<Result>(message: DistributiveOmit<WriterRequest, 'id'>): Promise<Result> {
    if (this.writerError !== undefined) return Promise.reject(new WriterUnavailableError(this.writerError.message));
    const id = this.nextRequestId++;
    return new Promise<Result>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.worker.postMessage({ ...message, id });
    });
  }

  private settle(message: WriterResponse): void {
    const pending = this.pending.get(message.id);
    if (pending === undefined) return;
    this.pending.delete(message.id);
    if (message.ok) pending.resolve(message.result);
    else pending.reject(Object.assign(new Error(message.error.message), message.error.code ? { code: message.error.code } : {}));
  }

  private failWriter(error: Error): void {
    if (this.writerError !== undefined) return;
    this.writerError = error;
    this.logger.error({ err: error }, 'ledger writer thread failed; writes are unavailable until restart');
    for (const pending of this.pending.values()) pending.reject(new WriterUnavailableError(error.message));
    this.pending.clear();
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

function waitForStart(worker: Worker): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    worker.once('error', onError);
    worker.once('message', (message: WriterStartMessage) => {
      worker.off('error', onError);
      if (message.ready) resolve();
      else reject(new Error(`the writer thread failed to open the database: ${message.error}`));
    });
  });
}
