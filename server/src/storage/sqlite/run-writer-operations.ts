import type BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import type {
  AttemptRecord,
  ClaimedRun,
  ClaimResult,
  ExpiredRun,
  OrgScope,
  RecordedAttempt,
  RetryRunResult,
  RunRecord,
} from '../../workflows/workflow-store';
import type { LedgerEventRow } from '../database-schema';
import { CompiledStatements } from './compiled-statements';
import { eventColumns, toStoredEvent } from './event-rows';
import { workflowQueryBuilder } from './workflow-query-builder';
import { scopeCondition, selectRuns, toRunRecord, type RunSelectRow } from './workflow-rows';
import type { WorkflowTriggers } from './workflow-triggers';
import { workflowDeletedError } from './workflow-writer-operations';

/** Maximum number of expired leases handled per claim, to bound the claim transaction. */
const maxExpiredPerClaim = 1000;

// Literal conditions, because SQLite uses a partial index only when the query repeats its
// WHERE terms as constants, not as bound parameters.
const isQueued = sql<boolean>`workflow_runs.status in ('pending', 'retrying')`;
const isRunning = sql<boolean>`workflow_runs.status = 'running'`;
const isActiveWorkflow = sql<boolean>`workflows.enabled = 1 and workflows.deleted_at is null`;

type ExpiredLeaseRow = { id: string; workflow_id: string; event_id: string; attempts: number; max_attempts: number; deleted_at: number | null };
type ClaimedWorkflowRow = { id: string; name: string; kind: 'webhook' | 'code'; url: string | null; max_attempts: number; initial_delay_ms: number; max_delay_ms: number };

/**
 * Writes to runs, run by the writer thread: claiming with a lease, recording attempts,
 * releasing, retrying and replaying.
 *
 * Claims, records and releases commit with `synchronous = NORMAL`. In WAL mode such a
 * commit survives a crash of the process but may be lost on power failure, and losing one
 * only makes a run due again, which at-least-once delivery allows. Skipping the fsync keeps
 * the writer free for publishes. Retries and replays are acknowledged to a user, so they
 * keep `synchronous = FULL`.
 */
export class RunWriterOperations {
  private statements: CompiledStatements | undefined;

  constructor(
    private readonly triggers: WorkflowTriggers,
    private readonly notifyRunsDue: () => void,
  ) {}

  claim(connection: BetterSqlite3.Database, args: { limit: number; leaseMs: number; now: number }): ClaimResult {
    return withRelaxedSync(connection, () =>
      connection.transaction((): ClaimResult => {
        const db = this.on(connection);
        const expired = this.expireLeases(db, args.now);
        const due = db.all<{ id: string }>(
          workflowQueryBuilder
            .selectFrom('workflow_runs')
            .innerJoin('workflows', 'workflows.id', 'workflow_runs.workflow_id')
            .select('workflow_runs.id')
            .where(isQueued)
            .where('workflow_runs.next_attempt_at', '<=', args.now)
            .where(isActiveWorkflow)
            .orderBy('workflow_runs.next_attempt_at')
            .limit(args.limit),
        );
        const runs = due.map((row) => this.claimOne(db, row.id, args.leaseMs, args.now));
        return { runs, expired, nextDueAt: this.nextDueAt(db) };
      }).immediate(),
    );
  }

  record(connection: BetterSqlite3.Database, args: { records: AttemptRecord[] }): RecordedAttempt[] {
    return withRelaxedSync(connection, () =>
      connection.transaction(() => args.records.map((record) => this.recordOne(this.on(connection), record))).immediate(),
    );
  }

  release(connection: BetterSqlite3.Database, args: { runs: Array<{ runId: string; attempt: number }>; now: number }): void {
    withRelaxedSync(connection, () =>
      connection.transaction(() => {
        const db = this.on(connection);
        for (const run of args.runs) {
          db.run(
            workflowQueryBuilder
              .updateTable('workflow_runs')
              .set({
                status: sql`case when attempts > 1 then 'retrying' else 'pending' end`,
                attempts: sql`attempts - 1`,
                next_attempt_at: args.now,
                lease_until: null,
              })
              .where('id', '=', run.runId)
              .where('status', '=', 'running')
              .where('attempts', '=', run.attempt),
          );
        }
      }).immediate(),
    );
  }

  retry(connection: BetterSqlite3.Database, args: { id: string; scope: OrgScope; now: number }): RetryRunResult {
    return connection.transaction((): RetryRunResult => {
      const db = this.on(connection);
      const run = this.loadRun(db, args.id, args.scope);
      if (run === undefined) return { ok: false, reason: 'not-found' };
      if (run.status !== 'dead') return { ok: false, reason: 'not-dead', status: run.status };
      if (this.workflowDeletedAt(db, run.workflowId) !== null) return { ok: false, reason: 'workflow-deleted' };

      db.run(
        workflowQueryBuilder
          .updateTable('workflow_runs')
          .set({ status: 'pending', attempts: 0, next_attempt_at: args.now, lease_until: null, completed_at: null })
          .where('id', '=', args.id),
      );
      this.notifyRunsDue();
      return { ok: true, run: this.loadRun(db, args.id, args.scope)! };
    }).immediate();
  }

  replay(connection: BetterSqlite3.Database, args: { eventId: string; scope: OrgScope; skipSucceeded: boolean; now: number }): RunRecord[] {
    return connection.transaction((): RunRecord[] => {
      const db = this.on(connection);
      const event = db.get<{ type: string; orgId: string }>(
        workflowQueryBuilder.selectFrom('ledger_events').select(['type', 'org_id as orgId']).where('id', '=', args.eventId),
      );
      if (event === undefined) return [];
      const succeeded = args.skipSucceeded ? this.workflowsWithSucceededRun(db, args.eventId) : new Set<string>();
      const ids = this.triggers
        .matching(connection, event)
        .filter((entry) => (args.scope === undefined || entry.orgId === args.scope) && !succeeded.has(entry.workflowId))
        .map((entry) => this.triggers.insertRun(connection, entry.workflowId, args.eventId, 'replay', args.now));
      if (ids.length > 0) this.notifyRunsDue();
      return ids.map((id) => this.loadRun(db, id, undefined)!);
    }).immediate();
  }

  /**
   * Handles running runs whose lease expired, because the process that claimed them stopped.
   * They become due again, or dead when the interrupted attempt was their last allowed one
   * or their workflow was deleted. Returns the runs that became dead.
   */
  private expireLeases(db: CompiledStatements, now: number): ExpiredRun[] {
    const rows = db.all<ExpiredLeaseRow>(
      workflowQueryBuilder
        .selectFrom('workflow_runs')
        .innerJoin('workflows', 'workflows.id', 'workflow_runs.workflow_id')
        .select(['workflow_runs.id', 'workflow_runs.workflow_id', 'workflow_runs.event_id', 'workflow_runs.attempts', 'workflows.max_attempts', 'workflows.deleted_at'])
        .where(isRunning)
        .where('workflow_runs.lease_until', '<=', now)
        .orderBy('workflow_runs.lease_until')
        .limit(maxExpiredPerClaim),
    );
    const expired: ExpiredRun[] = [];
    for (const row of rows) {
      const interrupted = `attempt ${row.attempts} did not finish before its lease expired; the server probably stopped during it`;
      const dead = row.deleted_at !== null || row.attempts >= row.max_attempts;
      const error = row.deleted_at !== null ? workflowDeletedError : interrupted;
      db.run(
        workflowQueryBuilder
          .updateTable('workflow_runs')
          .set({ status: dead ? 'dead' : 'retrying', next_attempt_at: dead ? null : now, lease_until: null, last_error: error, completed_at: dead ? now : null })
          .where('id', '=', row.id),
      );
      if (dead) expired.push({ runId: row.id, workflowId: row.workflow_id, eventId: row.event_id, attempts: row.attempts, error });
    }
    return expired;
  }

  private claimOne(db: CompiledStatements, runId: string, leaseMs: number, now: number): ClaimedRun {
    const claimed = db.get<{ attempts: number; workflow_id: string; event_id: string }>(
      workflowQueryBuilder
        .updateTable('workflow_runs')
        .set({
          status: 'running',
          attempts: sql`attempts + 1`,
          lease_until: now + leaseMs,
          next_attempt_at: null,
          first_attempt_at: sql`coalesce(first_attempt_at, ${now})`,
          last_attempt_at: now,
        })
        .where('id', '=', runId)
        .returning(['attempts', 'workflow_id', 'event_id']),
    )!;
    const workflow = db.get<ClaimedWorkflowRow>(
      workflowQueryBuilder
        .selectFrom('workflows')
        .select(['id', 'name', 'kind', 'url', 'max_attempts', 'initial_delay_ms', 'max_delay_ms'])
        .where('id', '=', claimed.workflow_id),
    )!;
    const event = db.get<LedgerEventRow>(workflowQueryBuilder.selectFrom('ledger_events').select(eventColumns).where('id', '=', claimed.event_id))!;
    return {
      runId,
      attempt: claimed.attempts,
      workflow: {
        id: workflow.id,
        name: workflow.name,
        kind: workflow.kind,
        url: workflow.url,
        retry: { maxAttempts: workflow.max_attempts, initialDelayMs: workflow.initial_delay_ms, maxDelayMs: workflow.max_delay_ms },
      },
      secrets: workflow.kind === 'webhook' ? this.signingSecrets(db, workflow.id, now) : [],
      event: toStoredEvent(event),
    };
  }

  /** Returns the secrets that sign a delivery now: the active one first. */
  private signingSecrets(db: CompiledStatements, workflowId: string, now: number): string[] {
    const rows = db.all<{ secret: string }>(
      workflowQueryBuilder
        .selectFrom('workflow_secrets')
        .select('secret')
        .where('workflow_id', '=', workflowId)
        .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
        .orderBy(sql`expires_at is not null`)
        .orderBy('seq', 'desc'),
    );
    return rows.map((row) => row.secret);
  }

  private nextDueAt(db: CompiledStatements): number | null {
    const due = db.get<{ at: number }>(
      workflowQueryBuilder
        .selectFrom('workflow_runs')
        .innerJoin('workflows', 'workflows.id', 'workflow_runs.workflow_id')
        .select('workflow_runs.next_attempt_at as at')
        .where(isQueued)
        .where(isActiveWorkflow)
        .orderBy('workflow_runs.next_attempt_at')
        .limit(1),
    );
    const lease = db.get<{ at: number }>(
      workflowQueryBuilder.selectFrom('workflow_runs').select('lease_until as at').where(isRunning).orderBy('lease_until').limit(1),
    );
    const times = [due?.at, lease?.at].filter((time): time is number => typeof time === 'number');
    return times.length === 0 ? null : Math.min(...times);
  }

  private recordOne(db: CompiledStatements, record: AttemptRecord): RecordedAttempt {
    let status = record.status;
    let error = record.error;
    if (status === 'retrying' && this.runWorkflowDeleted(db, record.runId)) {
      status = 'dead';
      error = `${record.error ?? 'the attempt failed'}; no retry follows because the workflow was deleted`;
    }
    const changes = db.run(
      workflowQueryBuilder
        .updateTable('workflow_runs')
        .set({
          status,
          next_attempt_at: status === 'retrying' ? record.nextAttemptAt : null,
          lease_until: null,
          last_error: sql`coalesce(${error}, last_error)`,
          last_status: record.httpStatus,
          last_duration_ms: record.durationMs,
          completed_at: status === 'retrying' ? null : record.finishedAt,
        })
        .where('id', '=', record.runId)
        .where('status', '=', 'running')
        .where('attempts', '=', record.attempt),
    );
    return { runId: record.runId, applied: changes === 1, status };
  }

  private runWorkflowDeleted(db: CompiledStatements, runId: string): boolean {
    const row = db.get<{ deleted_at: number | null }>(
      workflowQueryBuilder
        .selectFrom('workflow_runs')
        .innerJoin('workflows', 'workflows.id', 'workflow_runs.workflow_id')
        .select('workflows.deleted_at')
        .where('workflow_runs.id', '=', runId),
    );
    return row !== undefined && row.deleted_at !== null;
  }

  private workflowDeletedAt(db: CompiledStatements, workflowId: string): number | null {
    const row = db.get<{ deleted_at: number | null }>(workflowQueryBuilder.selectFrom('workflows').select('deleted_at').where('id', '=', workflowId));
    return row?.deleted_at ?? null;
  }

  private workflowsWithSucceededRun(db: CompiledStatements, eventId: string): Set<string> {
    const rows = db.all<{ workflow_id: string }>(
      workflowQueryBuilder.selectFrom('workflow_runs').select('workflow_id').where('event_id', '=', eventId).where('status', '=', 'succeeded'),
    );
    return new Set(rows.map((row) => row.workflow_id));
  }

  private loadRun(db: CompiledStatements, id: string, scope: OrgScope): RunRecord | undefined {
    const row = db.get<RunSelectRow>(selectRuns().where('workflow_runs.id', '=', id).where(scopeCondition(scope)));
    return row === undefined ? undefined : toRunRecord(row);
  }

  private on(connection: BetterSqlite3.Database): CompiledStatements {
    if (this.statements?.connection !== connection) this.statements = new CompiledStatements(connection);
    return this.statements;
  }
}

/** Runs `work` with `synchronous = NORMAL`, then restores FULL for the ledger's own commits. */
function withRelaxedSync<Result>(connection: BetterSqlite3.Database, work: () => Result): Result {
  connection.pragma('synchronous = NORMAL');
  try {
    return work();
  } finally {
    connection.pragma('synchronous = FULL');
  }
}
