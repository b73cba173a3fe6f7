import type { Logger } from 'pino';
import { decideRunState } from './decide-run-state';
import type { DeliveryResult } from './deliver-webhook';
import { runAttempt, type AttemptContext } from './run-attempt';
import type { WorkflowSettings } from './workflow-settings';
import type { AttemptRecord, ClaimedRun, ClaimResult, RecordedAttempt, WorkflowStore } from './workflow-store';

// setTimeout fires at once for delays above this, the largest signed 32-bit integer.
const maxTimerMs = 2_147_483_647;

export interface DispatcherOptions extends AttemptContext {
  store: WorkflowStore;
  logger: Logger;
  settings: Pick<WorkflowSettings, 'concurrency' | 'leaseMs' | 'pollIntervalMs'>;
  /** Source of uniform numbers in [0, 1) for retry jitter; replaceable for tests. */
  random?: () => number;
}

interface InFlight {
  controller: AbortController;
  done: Promise<void>;
}

interface PendingRecord {
  record: AttemptRecord;
  run: ClaimedRun;
  result: DeliveryResult;
  delayMs: number | undefined;
}

/**
 * Runs the workflow runs of the database in this process. It claims due runs in batches
 * with a lease, at most `concurrency` at a time, makes one attempt per claim and records the
 * outcome. It wakes when a write announces new due runs, at the next scheduled retry, and
 * every `pollIntervalMs`.
 *
 * A run whose attempt outlives the process stays `running` until its lease expires, and is
 * then claimed again, so every run is attempted at least once more after a crash. Each
 * failed attempt, scheduled retry and dead run is logged once with run, workflow and event
 * ids, never with the event payload.
 */
export class Dispatcher {
  private readonly inFlight = new Map<string, InFlight>();
  private claiming: Promise<void> | undefined;
  private wakeRequested = false;
  private stopping = false;
  private stopped: Promise<void> | undefined;
  private wakeTimer: NodeJS.Timeout | undefined;
  private wakeAt = Number.POSITIVE_INFINITY;
  private pollTimer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private pendingRecords: PendingRecord[] = [];
  private flushScheduled = false;
  private readonly flushes = new Set<Promise<void>>();
  private readonly released: Array<{ runId: string; attempt: number }> = [];
  private claimFailures = 0;

  constructor(private readonly options: DispatcherOptions) {}

  /** Starts claiming runs; runs left by an earlier process are claimed once their leases expire. */
  start(): void {
    this.unsubscribe = this.options.store.onRunsDue(() => this.wake());
    this.pollTimer = setInterval(() => this.wake(), this.options.settings.pollIntervalMs);
    this.pollTimer.unref();
    this.wake();
  }

  /** Looks for due runs now, unless a look is under way or every slot is busy. */
  wake(): void {
    if (this.stopping) return;
    if (this.claiming !== undefined) {
      this.wakeRequested = true;
      return;
    }
    this.claiming = this.fillSlots().finally(() => {
      this.claiming = undefined;
      if (this.wakeRequested) {
        this.wakeRequested = false;
        this.wake();
      }
    });
  }

  /**
   * Stops claiming, aborts the attempts in flight and hands their runs back as due, so the
   * next start attempts them at once instead of after their leases. Results that arrived
   * before are recorded first.
   */
  stop(): Promise<void> {
    this.stopped ??= this.shutDown();
    return this.stopped;
  }

  private async shutDown(): Promise<void> {
    this.stopping = true;
    this.unsubscribe?.();
    clearInterval(this.pollTimer);
    clearTimeout(this.wakeTimer);
    for (const attempt of this.inFlight.values()) attempt.controller.abort();
    await this.claiming;
    await Promise.all([...this.inFlight.values()].map((attempt) => attempt.done));
    if (this.pendingRecords.length > 0) this.flushRecords();
    await Promise.all([...this.flushes]);
    if (this.released.length === 0) return;
    try {
      await this.options.store.releaseRuns(this.released, Date.now());
      this.options.logger.info({ runs: this.released.length }, 'workflow attempts cut short by the shutdown; their runs are due again');
    } catch (error) {
      this.options.logger.warn({ err: error, runs: this.released.length }, 'could not hand back interrupted runs; they are claimed again when their leases expire');
    }
  }

  private async fillSlots(): Promise<void> {
    const { concurrency, leaseMs } = this.options.settings;
    while (!this.stopping) {
      const free = concurrency - this.inFlight.size;
      if (free <= 0) return;
      const claimed = await this.claim(free, leaseMs);
      if (claimed === undefined) return;
      for (const run of claimed.runs) this.begin(run);
      if (claimed.runs.length < free) {
        this.scheduleWake(claimed.nextDueAt);
        return;
      }
    }
  }

  private async claim(limit: number, leaseMs: number): Promise<ClaimResult | undefined> {
    let result: ClaimResult;
    try {
      result = await this.options.store.claimRuns(limit, leaseMs, Date.now());
    } catch (error) {
      // Logged once per streak of failures, because the poll retries every interval.
      if (this.claimFailures === 0) this.options.logger.error({ err: error }, 'claiming workflow runs failed; trying again every poll interval');
      this.claimFailures += 1;
      return undefined;
    }
    if (this.claimFailures > 0) {
      this.options.logger.info({ failedClaims: this.claimFailures }, 'claiming workflow runs works again');
      this.claimFailures = 0;
    }
    for (const run of result.expired) {
      this.options.logger.error(
        { runId: run.runId, workflowId: run.workflowId, eventId: run.eventId, attempts: run.attempts, error: run.error },
        'workflow run is dead',
      );
    }
    if (this.stopping) {
      for (const run of result.runs) this.released.push({ runId: run.runId, attempt: run.attempt });
      return { ...result, runs: [] };
    }
    return result;
  }

  private begin(run: ClaimedRun): void {
    const controller = new AbortController();
    const done = runAttempt(run, controller.signal, this.options)
      .then((result) => this.finish(run, result, controller.signal))
      .catch((error: unknown) => {
        this.options.logger.error({ err: error, runId: run.runId, workflowId: run.workflow.id, eventId: run.event.id }, 'workflow attempt failed unexpectedly; the run is claimed again when its lease expires');
      })
      .finally(() => {
        this.inFlight.delete(run.runId);
        this.wake();
      });
    this.inFlight.set(run.runId, { controller, done });
  }

  private finish(run: ClaimedRun, result: DeliveryResult, signal: AbortSignal): void {
    if (this.stopping && signal.aborted && result.outcome !== 'success') {
      this.released.push({ runId: run.runId, attempt: run.attempt });
      return;
    }
    const now = Date.now();
    const decision = decideRunState(result, run.attempt, run.workflow.retry, now, this.options.random);
    const record: AttemptRecord = {
      runId: run.runId,
      attempt: run.attempt,
      status: decision.status,
      nextAttemptAt: decision.status === 'retrying' ? decision.nextAttemptAt : null,
      error: result.outcome === 'success' ? null : (result.error ?? `receiver responded with HTTP ${result.status ?? 'no status'}`),
      httpStatus: result.status ?? null,
      durationMs: result.durationMs,
      finishedAt: now,
    };
    this.pendingRecords.push({ record, run, result, delayMs: decision.status === 'retrying' ? decision.delayMs : undefined });
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flushRecords());
    }
  }

  /** Records every result that arrived in this turn in one write. */
  private flushRecords(): void {
    this.flushScheduled = false;
    const batch = this.pendingRecords;
    this.pendingRecords = [];
    if (batch.length === 0) return;
    const flush = this.options.store.recordAttempts(batch.map((pending) => pending.record)).then(
      (recorded) => recorded.forEach((outcome, index) => this.afterRecorded(batch[index]!, outcome)),
      (error: unknown) => {
        const runIds = batch.map((pending) => pending.record.runId);
        this.options.logger.error({ err: error, runIds }, 'recording workflow attempts failed; the runs are claimed again when their leases expire');
      },
    );
    this.flushes.add(flush);
    void flush.finally(() => this.flushes.delete(flush));
  }

  private afterRecorded(pending: PendingRecord, recorded: RecordedAttempt): void {
    const { run, result, record } = pending;
    const ids = { runId: run.runId, workflowId: run.workflow.id, eventId: run.event.id, attempt: run.attempt };
    const logger = this.options.logger;
    if (!recorded.applied) {
      logger.debug(ids, 'workflow attempt result dropped because the run was claimed again meanwhile');
      return;
    }
    if (recorded.status === 'succeeded') {
      logger.debug({ ...ids, durationMs: result.durationMs }, 'workflow run succeeded');
      return;
    }
    logger.warn({ ...ids, status: result.status, error: record.error, durationMs: result.durationMs }, 'workflow attempt failed');
    if (recorded.status === 'retrying' && record.nextAttemptAt !== null) {
      logger.info({ ...ids, delayMs: pending.delayMs, nextAttemptAt: new Date(record.nextAttemptAt).toISOString() }, 'workflow retry scheduled');
      this.scheduleWake(record.nextAttemptAt);
      return;
    }
    logger.error({ ...ids, attempts: run.attempt, error: record.error }, 'workflow run is dead');
  }

  /** Makes sure a look for due runs happens at `at`, in ms since the Unix epoch. */
  private scheduleWake(at: number | null): void {
    if (at === null || this.stopping || at >= this.wakeAt) return;
    clearTimeout(this.wakeTimer);
    this.wakeAt = at;
    this.wakeTimer = setTimeout(() => {
      this.wakeAt = Number.POSITIVE_INFINITY;
      this.wake();
    }, Math.min(Math.max(0, at - Date.now()), maxTimerMs));
    this.wakeTimer.unref();
  }
}
