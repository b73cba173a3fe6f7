import type { ChildProcess } from 'node:child_process';

const cleanups = new Set<() => void>();

/**
 * Registers a synchronous clean-up step for a stop signal, which skips `finally` blocks.
 * Returns a function that removes the step once normal clean-up has done its work.
 */
export function addInterruptCleanup(cleanup: () => void): () => void {
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}

/** Registers SIGKILL of `child`, by its own PID, until the child exits. */
export function killOnInterrupt(child: ChildProcess): void {
  const remove = addInterruptCleanup(() => child.kill('SIGKILL'));
  child.once('exit', remove);
}

/** Runs every registered step, newest first; a failing step does not stop the others. */
export function runInterruptCleanups(): void {
  for (const cleanup of [...cleanups].reverse()) {
    try {
      cleanup();
    } catch {
      // The process is exiting on a signal; the remaining steps matter more than this failure.
    }
  }
  cleanups.clear();
}
