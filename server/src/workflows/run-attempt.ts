import { performance } from 'node:perf_hooks';
import type { Event } from '../../../contracts';
import { eventJson } from '../ledger/event-hash';
import type { AddressGuard } from './address-guard';
import { PermanentWorkflowError, type CodeWorkflow } from './define-workflow';
import { deliverWebhook, type DeliveryResult } from './deliver-webhook';
import { signWebhook } from './webhook-signature';
import type { ClaimedRun } from './workflow-store';

/** Settings and handlers that attempts need besides the run. */
export interface AttemptContext {
  guard: AddressGuard;
  webhookTimeoutMs: number;
  codeTimeoutMs: number;
  /** Handlers of code workflows by workflow id. */
  codeHandlers: ReadonlyMap<string, CodeWorkflow>;
}

/**
 * Makes one attempt of a claimed run and reports how it ended; it never throws. Webhooks
 * get the event as stored, signed per Standard Webhooks with the run id as `webhook-id`.
 * Aborting `signal` ends the attempt with outcome 'retry' at once.
 */
export async function runAttempt(run: ClaimedRun, signal: AbortSignal, context: AttemptContext): Promise<DeliveryResult> {
  try {
    return run.workflow.kind === 'code' ? await runCodeAttempt(run, signal, context) : await runWebhookAttempt(run, signal, context);
  } catch (error) {
    // Reached only through a bug; retrying keeps the run alive until the attempts are used up.
    return { outcome: 'retry', error: `the attempt failed unexpectedly: ${errorMessage(error)}`, durationMs: 0 };
  }
}

async function runWebhookAttempt(run: ClaimedRun, signal: AbortSignal, context: AttemptContext): Promise<DeliveryResult> {
  if (run.workflow.url === null) return { outcome: 'permanent', error: `webhook workflow ${run.workflow.id} has no URL`, durationMs: 0 };

  const body = eventJson(run.event);
  let headers: Record<string, string>;
  try {
    headers = signWebhook({ id: run.runId, timestamp: Math.floor(Date.now() / 1000), body, secrets: run.secrets });
  } catch (error) {
    return { outcome: 'permanent', error: `signing failed: ${errorMessage(error)}`, durationMs: 0 };
  }
  return deliverWebhook({ url: run.workflow.url, body, headers, timeoutMs: context.webhookTimeoutMs, signal, guard: context.guard });
}

async function runCodeAttempt(run: ClaimedRun, signal: AbortSignal, context: AttemptContext): Promise<DeliveryResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const definition = context.codeHandlers.get(run.workflow.id);
  if (definition === undefined) {
    const error = `no handler for code workflow ${JSON.stringify(run.workflow.name)} is registered in this process; pass it to startServer`;
    return { outcome: 'retry', error, durationMs: 0 };
  }

  const timeout = AbortSignal.timeout(context.codeTimeoutMs);
  const attemptSignal = AbortSignal.any([signal, timeout]);
  const event = JSON.parse(eventJson(run.event)) as Event;
  try {
    const handled = Promise.resolve().then(() => definition.handler(event, { signal: attemptSignal, runId: run.runId, attempt: run.attempt }));
    await untilAborted(handled, attemptSignal);
    return { outcome: 'success', durationMs: elapsed() };
  } catch (error) {
    if (timeout.aborted) return { outcome: 'retry', error: `timed out after ${context.codeTimeoutMs} ms`, durationMs: elapsed() };
    if (signal.aborted) return { outcome: 'retry', error: 'aborted', durationMs: elapsed() };
    const outcome = error instanceof PermanentWorkflowError ? 'permanent' : 'retry';
    return { outcome, error: `handler failed: ${errorMessage(error)}`, durationMs: elapsed() };
  }
}

/** Settles like `work`, or rejects as soon as `signal` aborts. */
function untilAborted<Result>(work: Promise<Result>, signal: AbortSignal): Promise<Result> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<Result>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
