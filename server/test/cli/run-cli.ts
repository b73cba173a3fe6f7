import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root: the CLI runs from here unless a test sets `cwd`. */
export const repositoryRoot = fileURLToPath(new URL('../../..', import.meta.url));

const cliEntry = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const tsxLoader = import.meta.resolve('tsx');

/** Maximum run time of a CLI process in a test; after it the process is killed. */
const processTimeoutMs = 60_000;

/**
 * Timeout of a test that spawns CLI processes. Each process compiles its TypeScript with tsx at
 * start, which takes about a second alone and far longer on a loaded machine.
 */
export const cliTestTimeoutMs = 120_000;

export interface CliResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliRunOptions {
  /** Written to stdin, which is then closed; without it stdin is empty. */
  input?: string;
  /** Variables besides PATH; the parent's EVENTS_URL and other settings never leak in. */
  env?: Record<string, string>;
  cwd?: string;
  /** Module to run instead of the CLI entry, relative to the repository root. */
  entry?: string;
}

/** Spawns the CLI the way `npm run cli` does, with its own PID so signals reach it directly. */
export function spawnCli(args: string[], options: CliRunOptions = {}): ChildProcess {
  const entry = options.entry === undefined ? cliEntry : join(repositoryRoot, options.entry);
  const child = spawn(process.execPath, ['--import', tsxLoader, entry, ...args], {
    cwd: options.cwd ?? repositoryRoot,
    env: { PATH: process.env['PATH'] ?? '', ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdout?.setEncoding('utf8');
  child.stderr?.setEncoding('utf8');
  child.stdin?.end(options.input);
  return child;
}

/** Runs the CLI to completion and returns its exit status and output. */
export async function runCli(args: string[], options: CliRunOptions = {}): Promise<CliResult> {
  const child = spawnCli(args, options);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: string) => (stdout += chunk));
  child.stderr?.on('data', (chunk: string) => (stderr += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), processTimeoutMs);
  const [status, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null];
  clearTimeout(timer);
  return { status, signal, stdout, stderr };
}

/** A long-running CLI process, such as `tail` or `serve`, with its output collected as it arrives. */
export interface RunningCli {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves once `predicate` holds for the output so far; rejects after `timeoutMs` or when the process exits. */
  waitFor(predicate: (stdout: string, stderr: string) => boolean, timeoutMs?: number): Promise<void>;
  /** Sends `signal` and resolves with the exit status; kills the process if it outlives `timeoutMs`. */
  stop(signal: NodeJS.Signals, timeoutMs?: number): Promise<{ status: number | null; signal: NodeJS.Signals | null }>;
}

/** Processes of {@link startCli} that have not exited yet. */
const runningChildren = new Set<ChildProcess>();

/**
 * Kills every process of {@link startCli} that is still running and waits for it to exit. Call it
 * before removing a test's folder, so a process left by a failed test cannot recreate files there.
 */
export async function killRunningClis(): Promise<void> {
  const exits = [...runningChildren].map((child) => {
    const closed = once(child, 'close');
    child.kill('SIGKILL');
    return closed;
  });
  await Promise.all(exits);
}

export function startCli(args: string[], options: CliRunOptions = {}): RunningCli {
  const child = spawnCli(args, options);
  runningChildren.add(child);
  child.once('close', () => runningChildren.delete(child));
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: string) => (stdout += chunk));
  child.stderr?.on('data', (chunk: string) => (stderr += chunk));
  const closed = once(child, 'close') as Promise<[number | null, NodeJS.Signals | null]>;

  const waitFor: RunningCli['waitFor'] = async (predicate, timeoutMs = 60_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(stdout, stderr)) {
      if (child.exitCode !== null) throw new Error(`the CLI exited with status ${child.exitCode}; stderr: ${stderr}`);
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms; stdout: ${stdout}; stderr: ${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  const stop: RunningCli['stop'] = async (signal, timeoutMs = 30_000) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    if (child.exitCode === null) child.kill(signal);
    const [status, exitSignal] = await closed;
    clearTimeout(timer);
    return { status, signal: exitSignal };
  };

  return { child, stdout: () => stdout, stderr: () => stderr, waitFor, stop };
}
