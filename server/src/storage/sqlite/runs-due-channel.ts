import { BroadcastChannel } from 'node:worker_threads';

/**
 * Name of the channel on which the writer thread announces new due runs. It contains the
 * database path, so several servers in one process (as in tests) do not wake each other.
 */
function channelName(databasePath: string): string {
  return `event-ledger:runs-due:${databasePath}`;
}

/**
 * Returns a function that the writer thread calls whenever a write made runs due. Calls
 * within one turn of the event loop send one message, after the synchronous transaction
 * that made them has committed, so the receiver never looks before the rows are visible.
 */
export function createRunsDueNotifier(databasePath: string): () => void {
  const channel = new BroadcastChannel(channelName(databasePath));
  channel.unref();
  let queued = false;
  return () => {
    if (queued) return;
    queued = true;
    queueMicrotask(() => {
      queued = false;
      channel.postMessage(null);
    });
  };
}

/** Calls `listener` for every announcement of the writer; returns a function that unsubscribes. */
export function subscribeRunsDue(databasePath: string, listener: () => void): () => void {
  const channel = new BroadcastChannel(channelName(databasePath));
  channel.unref();
  channel.onmessage = () => listener();
  return () => channel.close();
}
