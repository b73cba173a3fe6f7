import type { NewEvent } from '../ledger-store';

/** Data a writer thread starts with. */
export interface WriterThreadData {
  databasePath: string;
  /** Path of better-sqlite3's addon when the main thread loaded it from a file it extracted. */
  nativeBindingPath?: string;
}

/** A request from the main thread: append units of events, run a named operation, or close. */
export type WriterRequest =
  | { id: number; op: 'append'; units: NewEvent[][] }
  | { id: number; op: 'call'; name: string; args: unknown }
  | { id: number; op: 'close' };

export type AppendRequest = Extract<WriterRequest, { op: 'append' }>;
export type CallRequest = Extract<WriterRequest, { op: 'call' }>;

/** The writer's reply to one request. */
export type WriterResponse =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: { message: string; code?: string } };

/** Sent after each committed append group, for metrics. */
export interface AppendGroupStats {
  kind: 'groupStats';
  units: number;
  events: number;
  /** Time of the whole transaction, including its fsync. */
  durationMs: number;
}

/** First message of a writer thread: ready to take requests, or failed to open the database. */
export type WriterStartMessage = { ready: true } | { ready: false; error: string };
