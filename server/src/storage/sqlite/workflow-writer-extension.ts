import type BetterSqlite3 from 'better-sqlite3';
import type { AfterAppendHook } from './ledger-writer';
import { RunWriterOperations } from './run-writer-operations';
import { createRunsDueNotifier } from './runs-due-channel';
import { syncWorkflows } from './sync-workflows-operation';
import { WorkflowTriggers } from './workflow-triggers';
import { WorkflowWriterOperations } from './workflow-writer-operations';

/** Writer operation names of workflows and runs, shared by the writer entry and the store. */
export const workflowOperationNames = {
  create: 'workflows.create',
  update: 'workflows.update',
  delete: 'workflows.delete',
  rotateSecret: 'workflows.rotateSecret',
  sync: 'workflows.sync',
  claim: 'runs.claim',
  record: 'runs.record',
  release: 'runs.release',
  retry: 'runs.retry',
  replay: 'runs.replay',
} as const;

type Operation = (connection: BetterSqlite3.Database, args: never) => unknown;

/**
 * Builds what the writer thread needs for workflows: the append hook that inserts runs in
 * the event's transaction (the transactional outbox) and the named write operations.
 */
export function createWorkflowWriterExtension(databasePath: string): { hook: AfterAppendHook; operations: Record<string, Operation> } {
  const notifyRunsDue = createRunsDueNotifier(databasePath);
  const triggers = new WorkflowTriggers(notifyRunsDue);
  const workflows = new WorkflowWriterOperations(triggers, notifyRunsDue);
  const runs = new RunWriterOperations(triggers, notifyRunsDue);
  const names = workflowOperationNames;
  const operations: Record<string, Operation> = {
    [names.create]: (connection, args: Parameters<WorkflowWriterOperations['create']>[1]) => workflows.create(connection, args),
    [names.update]: (connection, args: Parameters<WorkflowWriterOperations['update']>[1]) => workflows.update(connection, args),
    [names.delete]: (connection, args: Parameters<WorkflowWriterOperations['delete']>[1]) => workflows.delete(connection, args),
    [names.rotateSecret]: (connection, args: Parameters<WorkflowWriterOperations['rotateSecret']>[1]) => workflows.rotateSecret(connection, args),
    [names.sync]: (connection, args: Parameters<typeof syncWorkflows>[2]) => syncWorkflows(workflows, connection, args),
    [names.claim]: (connection, args: Parameters<RunWriterOperations['claim']>[1]) => runs.claim(connection, args),
    [names.record]: (connection, args: Parameters<RunWriterOperations['record']>[1]) => runs.record(connection, args),
    [names.release]: (connection, args: Parameters<RunWriterOperations['release']>[1]) => runs.release(connection, args),
    [names.retry]: (connection, args: Parameters<RunWriterOperations['retry']>[1]) => runs.retry(connection, args),
    [names.replay]: (connection, args: Parameters<RunWriterOperations['replay']>[1]) => runs.replay(connection, args),
  };
  return { hook: triggers.hook, operations };
}
