import type BetterSqlite3 from 'better-sqlite3';
import { createIdGenerator } from '../../ledger/event-id';
import { matchesTrigger, parseTriggerPattern, type TriggerPattern } from '../../workflows/trigger-pattern';
import type { RunOrigin } from '../../workflows/workflow-store';
import type { StoredEvent } from '../ledger-store';
import type { AfterAppendHook } from './ledger-writer';
import { compileQuery } from './query-builder';
import { workflowQueryBuilder } from './workflow-query-builder';

/** An enabled workflow with its parsed pattern. */
export interface TriggerEntry {
  workflowId: string;
  orgId: string | null;
  pattern: TriggerPattern;
}

interface Statements {
  connection: BetterSqlite3.Database;
  enabledWorkflows: BetterSqlite3.Statement;
  insertRun: BetterSqlite3.Statement;
}

/**
 * The writer thread's view of which workflows an event triggers. It keeps the parsed
 * patterns of enabled workflows in memory, because the append hook runs for every published
 * event, and reloads them after `invalidate`, which every workflow write calls. Those writes
 * run on this same thread, so the cache can never serve a stale list to an append.
 */
export class WorkflowTriggers {
  private entries: TriggerEntry[] | undefined;
  private statements: Statements | undefined;
  private readonly nextRunId = createIdGenerator('run_');

  /** @param notifyRunsDue called after runs were inserted, to wake the dispatcher */
  constructor(private readonly notifyRunsDue: () => void) {}

  /**
   * Inserts one pending run per matching workflow inside the append transaction. With no
   * enabled workflow it returns after one array length check.
   */
  readonly hook: AfterAppendHook = (connection, event) => {
    const entries = this.load(connection);
    if (entries.length === 0) return;
    let created = false;
    const now = Date.now();
    for (const entry of entries) {
      if (this.triggers(entry, event)) {
        this.insertRun(connection, entry.workflowId, event.id, 'publish', now);
        created = true;
      }
    }
    if (created) this.notifyRunsDue();
  };

  /** Drops the cached patterns; the next append or replay reads them again. */
  invalidate(): void {
    this.entries = undefined;
  }

  /** Returns the enabled workflows that the event triggers. */
  matching(connection: BetterSqlite3.Database, event: Pick<StoredEvent, 'type' | 'orgId'>): TriggerEntry[] {
    return this.load(connection).filter((entry) => this.triggers(entry, event));
  }

  /** Inserts a pending run that is due at `now`; returns its id. */
  insertRun(connection: BetterSqlite3.Database, workflowId: string, eventId: string, origin: RunOrigin, now: number): string {
    const id = this.nextRunId();
    this.prepare(connection).insertRun.run(id, workflowId, eventId, origin, 'pending', 0, now, now);
    return id;
  }

  private triggers(entry: TriggerEntry, event: Pick<StoredEvent, 'type' | 'orgId'>): boolean {
    return (entry.orgId === null || entry.orgId === event.orgId) && matchesTrigger(entry.pattern, event.type);
  }

  private load(connection: BetterSqlite3.Database): TriggerEntry[] {
    if (this.entries !== undefined) return this.entries;
    const rows = this.prepare(connection).enabledWorkflows.all() as Array<{ id: string; org_id: string | null; pattern: string }>;
    const entries: TriggerEntry[] = [];
    for (const row of rows) {
      // Patterns are validated before they are stored, so a failure here means the row was
      // edited by hand. Such a workflow triggers nothing instead of failing every append.
      const parsed = parseTriggerPattern(row.pattern);
      if (parsed.ok) entries.push({ workflowId: row.id, orgId: row.org_id, pattern: parsed.pattern });
    }
    this.entries = entries;
    return entries;
  }

  private prepare(connection: BetterSqlite3.Database): Statements {
    if (this.statements?.connection === connection) return this.statements;
    const enabled = workflowQueryBuilder
      .selectFrom('workflows')
      .select(['id', 'org_id', 'pattern'])
      .where('enabled', '=', 1)
      .where('deleted_at', 'is', null);
    const insert = workflowQueryBuilder.insertInto('workflow_runs').values({
      id: '', workflow_id: '', event_id: '', origin: 'publish', status: 'pending', attempts: 0, next_attempt_at: 0, created_at: 0,
    });
    this.statements = {
      connection,
      // The compiled query binds enabled = 1 as its only parameter.
      enabledWorkflows: connection.prepare(compileQuery(enabled).sql).bind(1),
      insertRun: connection.prepare(compileQuery(insert).sql),
    };
    return this.statements;
  }
}
