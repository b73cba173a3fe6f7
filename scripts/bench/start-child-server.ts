import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { killOnInterrupt } from './interrupt-cleanup';

/** A server running in a child process that this process started. */
export interface ChildServer {
  /** Base URL the server logged, such as `http://127.0.0.1:41234`. */
  url: string;
  pid: number;
  /** Sends SIGTERM, waits for the exit, and sends SIGKILL to this child's PID after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/** How to start a server child process. */
export interface ChildServerSpec {
  /** Label for error messages, such as `ledger server`. */
  name: string;
  /** Arguments after the Node executable, including the script. */
  args: string[];
  env: Record<string, string | undefined>;
  cwd: string;
  /** Log message of the JSON line that carries the `url` once the server listens. */
  listeningMessage: string;
  startTimeoutMs?: number;
}

const keptOutputLines = 40;

/**
 * Spawns `process.execPath` directly (no shell), so the child's PID is the server's own and
 * `/proc/<pid>` describes the server. Resolves once the server logs `listeningMessage` in a
 * JSON line with a `url`. This process keeps reading the child's output after that, so a full
 * pipe never blocks the server.
 *
 * @throws Error with the server's last output lines when it exits or stays silent before listening.
 */
export async function startChildServer(spec: ChildServerSpec): Promise<ChildServer> {
  const child = spawn(process.execPath, spec.args, { cwd: spec.cwd, env: spec.env, stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid === undefined) {
    throw new Error(`failed to start the ${spec.name}: ${process.execPath} ${spec.args.join(' ')}`);
  }
  killOnInterrupt(child);
  const output: string[] = [];
  const keep = (line: string) => {
    output.push(line);
    if (output.length > keptOutputLines) output.shift();
  };
  createInterface({ input: child.stderr! }).on('line', keep);
  try {
    const url = await waitForUrl(child, spec, keep, output);
    return { url, pid: child.pid, stop: (graceMs) => stopChild(child, graceMs) };
  } catch (error) {
    await stopChild(child, 0);
    throw error;
  }
}

function waitForUrl(child: ChildProcess, spec: ChildServerSpec, keep: (line: string) => void, output: string[]): Promise<string> {
  const timeoutMs = spec.startTimeoutMs ?? 30_000;
  return new Promise((resolve, reject) => {
    const fail = (reason: string) => {
      clearTimeout(timer);
      reject(new Error(`the ${spec.name} ${reason}; its last output:\n${output.join('\n')}`));
    };
    const timer = setTimeout(() => fail(`did not log "${spec.listeningMessage}" within ${timeoutMs} ms`), timeoutMs);
    child.once('exit', (code, signal) => fail(`exited before listening (code ${code}, signal ${signal})`));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      keep(line);
      const url = listeningUrl(line, spec.listeningMessage);
      if (url === undefined) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      resolve(url);
    });
  });
}

function listeningUrl(line: string, message: string): string | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const entry = JSON.parse(line) as { msg?: unknown; url?: unknown };
    return entry.msg === message && typeof entry.url === 'string' ? entry.url : undefined;
  } catch {
    return undefined;
  }
}

async function stopChild(child: ChildProcess, graceMs = 15_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
