/**
 * Child process that generates HTTP load with autocannon, so the load generator shares an event
 * loop with neither the benchmark orchestrator nor the server. It runs one {@link LoadJob} per
 * IPC message and replies to each with a {@link LoadWorkerReply}.
 */
import autocannon, { type AutocannonOptions } from 'autocannon';
import type { LoadJob, LoadResult, LoadWorkerReply } from './load-job';

function toOptions(job: LoadJob): AutocannonOptions {
  const headers: Record<string, string> = job.body === undefined ? {} : { 'content-type': 'application/json' };
  const options: AutocannonOptions = {
    url: job.url,
    method: job.method,
    headers,
    connections: job.connections,
    duration: job.durationSeconds,
    timeout: 30,
  };
  if (job.body !== undefined) options.body = job.body;
  if (job.paths !== undefined) options.requests = job.paths.map((path) => ({ method: job.method, path }));
  return options;
}

function runJob(job: LoadJob): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    autocannon(toOptions(job), (error, result) => {
      if (error !== null) {
        reject(error);
        return;
      }
      resolve({
        requestsPerSecond: result.duration > 0 ? result['2xx'] / result.duration : 0,
        completedRequests: result.requests.total,
        non2xx: result.non2xx,
        errors: result.errors,
        timeouts: result.timeouts,
        latencyP50Ms: result.latency.p50,
        latencyP99Ms: result.latency.p99,
        durationSeconds: result.duration,
      });
    });
  });
}

process.on('message', (job: LoadJob) => {
  runJob(job).then(
    (result) => process.send!({ ok: true, result } satisfies LoadWorkerReply),
    (error: unknown) => process.send!({ ok: false, message: error instanceof Error ? error.message : String(error) } satisfies LoadWorkerReply),
  );
});
