import { parentPort, workerData } from 'node:worker_threads';
import type BetterSqlite3 from 'better-sqlite3';
import type { AppendOutcome } from '../ledger-store';
import { LedgerWriter, type AfterAppendHook } from './ledger-writer';
import { openSqlite } from './open-sqlite';
import type { AppendGroupStats, AppendRequest, CallRequest, WriterRequest, WriterResponse, WriterStartMessage, WriterThreadData } from './writer-protocol';

/** An operation the writer runs on request, synchronously, on the write connection. */
export type WriterOperation = (connection: BetterSqlite3.Database, args: never) => unknown;

/** Hooks and named operations a writer thread runs besides appends. */
export interface WriterExtensions {
  hooks: AfterAppendHook[];
  operations: Record<string, WriterOperation>;
}

/**
 * Runs the single writer of the database in this worker thread. Requests that arrive while a
 * commit is in flight queue up in the message port and are handled together on the next turn,
 * so consecutive appends share one transaction and one fsync.
 */
export function runWriterThread(extensions: WriterExtensions): void {
  const port = parentPort;
  if (port === null) throw new Error('runWriterThread must run inside a worker thread');
  const data = workerData as WriterThreadData;

  let connection: BetterSqlite3.Database;
  let writer: LedgerWriter;
  try {
    connection = openSqlite(data.databasePath, { role: 'writer', nativeBindingPath: data.nativeBindingPath });
    writer = new LedgerWriter(connection, extensions.hooks);
  } catch (error) {
    port.postMessage({ ready: false, error: error instanceof Error ? error.message : String(error) } satisfies WriterStartMessage);
    return;
  }

  const queue: WriterRequest[] = [];
  let scheduled = false;

  const drain = () => {
    scheduled = false;
    const requests = queue.splice(0);
    let index = 0;
    while (index < requests.length) {
      let end = index;
      while (end < requests.length && requests[end]!.op === 'append') end++;
      if (end > index) {
        respondToAppends(requests.slice(index, end) as AppendRequest[]);
        index = end;
        continue;
      }
      const request = requests[index]!;
      index++;
      if (request.op === 'call') respond(request);
      else close(request);
    }
  };

  const respondToAppends = (requests: AppendRequest[]) => {
    const units = requests.flatMap((request) => request.units);
    let outcomes: AppendOutcome[];
    const started = performance.now();
    try {
      outcomes = writer.appendGroup(units);
    } catch (error) {
      for (const request of requests) port.postMessage(failure(request.id, error));
      return;
    }
    const events = outcomes.reduce((sum, outcome) => sum + (outcome.ok ? outcome.events.length : 0), 0);
    port.postMessage({ kind: 'groupStats', units: units.length, events, durationMs: performance.now() - started } satisfies AppendGroupStats);
    let offset = 0;
    for (const request of requests) {
      const count = request.units.length;
      port.postMessage({ id: request.id, ok: true, result: outcomes.slice(offset, offset + count) } satisfies WriterResponse);
      offset += count;
    }
  };

  const respond = (request: CallRequest) => {
    const operation = extensions.operations[request.name];
    if (operation === undefined) {
      port.postMessage(failure(request.id, new Error(`unknown writer operation ${request.name}`)));
      return;
    }
    try {
      const result = operation(connection, request.args as never);
      port.postMessage({ id: request.id, ok: true, result } satisfies WriterResponse);
    } catch (error) {
      port.postMessage(failure(request.id, error));
    }
  };

  // Closing runs in queue order, so every request sent before it gets its reply first.
  const close = (request: WriterRequest) => {
    connection.close();
    port.postMessage({ id: request.id, ok: true, result: null } satisfies WriterResponse);
    port.close();
  };

  port.on('message', (message: WriterRequest) => {
    queue.push(message);
    if (!scheduled) {
      scheduled = true;
      setImmediate(drain);
    }
  });
  port.postMessage({ ready: true } satisfies WriterStartMessage);
}

function failure(id: number, error: unknown): WriterResponse {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : undefined;
  return { id, ok: false, error: { message: error instanceof Error ? error.message : String(error), ...(code ? { code } : {}) } };
}
