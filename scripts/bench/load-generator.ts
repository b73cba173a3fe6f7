import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { killOnInterrupt } from './interrupt-cleanup';
import type { LoadJob, LoadResult, LoadWorkerReply } from './load-job';

/**
 * Runs load jobs in one long-lived child process (`load-worker.ts`), one job at a time. The
 * child is forked once, so its start-up cost stays out of every run.
 */
export class LoadGenerator {
  private constructor(private readonly child: ChildProcess) {}

  static start(): LoadGenerator {
    const script = fileURLToPath(new URL('./load-worker.ts', import.meta.url));
    const child = fork(script, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    killOnInterrupt(child);
    return new LoadGenerator(child);
  }

  /** Runs `job`; rejects when autocannon fails or the worker exits. */
  run(job: LoadJob): Promise<LoadResult> {
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null, signal: string | null) => {
        reject(new Error(`the load worker exited during a run (code ${code}, signal ${signal})`));
      };
      this.child.once('exit', onExit);
      this.child.once('message', (reply: LoadWorkerReply) => {
        this.child.off('exit', onExit);
        if (reply.ok) resolve(reply.result);
        else reject(new Error(`autocannon failed against ${job.method} ${job.url}: ${reply.message}`));
      });
      this.child.send(job);
    });
  }

  /** Ends the worker by its PID and waits for it to exit. */
  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGTERM');
    await exited;
  }
}
