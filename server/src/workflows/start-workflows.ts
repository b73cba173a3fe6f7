import type { Logger } from 'pino';
import type { AuthMode } from '../auth/auth-mode';
import type { SqliteLedgerStore } from '../storage/sqlite/sqlite-ledger-store';
import { SqliteWorkflowStore } from '../storage/sqlite/sqlite-workflow-store';
import { createAddressGuard, type AddressGuard } from './address-guard';
import { codeRetryPolicy, defineWorkflow, type CodeWorkflow } from './define-workflow';
import { Dispatcher } from './dispatcher';
import type { WorkflowSettings } from './workflow-settings';
import type { SyncWorkflowsResult, WorkflowDefinition, WorkflowStore } from './workflow-store';
import { readWorkflowsFile, WorkflowsFileError } from './workflows-file';
import { WorkflowsService } from './workflows-service';

/** Overlap of a secret that the workflows file replaced, like a rotation through the API. */
const fileSecretOverlapMs = 24 * 60 * 60 * 1000;

export interface StartWorkflowsOptions {
  ledger: SqliteLedgerStore;
  databasePath: string;
  settings: WorkflowSettings;
  authMode: AuthMode;
  logger: Logger;
  codeWorkflows: readonly CodeWorkflow[];
}

/** The workflow parts of a running server. */
export interface WorkflowRuntime {
  service: WorkflowsService;
  dispatcher: Dispatcher;
}

/**
 * Prepares workflows at start-up: builds the webhook address guard from the settings,
 * applies the workflows file and the code workflows by name, and creates the service and the
 * dispatcher. The caller starts the dispatcher once the server listens. Throws
 * WorkflowsFileError for an invalid file and TypeError for invalid code workflows.
 */
export async function startWorkflows(options: StartWorkflowsOptions): Promise<WorkflowRuntime> {
  const { settings, logger } = options;
  const allowPrivate = settings.allowPrivateAddresses ?? options.authMode === 'off';
  const guard = createAddressGuard({ allow: settings.allowedNetworks, allowPrivate });
  const store = new SqliteWorkflowStore(options.ledger, options.databasePath);

  if (settings.file !== undefined) {
    const definitions = readWorkflowsFile(settings.file, guard);
    const result = await store.syncWorkflows('config', definitions, Date.now(), fileSecretOverlapMs);
    if (!result.ok) throw new WorkflowsFileError(`WORKFLOWS_FILE ${settings.file} is invalid: ${describeConflict(result)}`);
    logChanges(logger, 'WORKFLOWS_FILE', result);
  }
  const codeHandlers = await registerCodeWorkflows(store, options.codeWorkflows, logger);

  const service = await WorkflowsService.create(store, options.ledger, guard);
  const dispatcher = createDispatcher(store, guard, settings, codeHandlers, logger);
  return { service, dispatcher };
}

function createDispatcher(store: WorkflowStore, guard: AddressGuard, settings: WorkflowSettings, codeHandlers: Map<string, CodeWorkflow>, logger: Logger): Dispatcher {
  return new Dispatcher({
    store,
    logger,
    settings,
    guard,
    webhookTimeoutMs: settings.webhookTimeoutMs,
    codeTimeoutMs: settings.codeTimeoutMs,
    codeHandlers,
  });
}

/**
 * Stores the code workflows as workflows of kind `code`, so their runs are durable, and
 * deletes code workflows that this start no longer passes. Returns the handlers by workflow id.
 */
async function registerCodeWorkflows(store: WorkflowStore, workflows: readonly CodeWorkflow[], logger: Logger): Promise<Map<string, CodeWorkflow>> {
  const byKey = new Map<string, CodeWorkflow>();
  const definitions: WorkflowDefinition[] = [];
  for (const workflow of workflows) {
    const checked = defineWorkflow(workflow);
    const key = orgNameKey(checked.orgId ?? null, checked.name);
    if (byKey.has(key)) throw new TypeError(`startServer: two code workflows are named ${JSON.stringify(checked.name)}${checked.orgId ? ` in organisation ${checked.orgId}` : ''}; names must be unique`);
    byKey.set(key, checked);
    definitions.push({ orgId: checked.orgId ?? null, name: checked.name, kind: 'code', pattern: checked.on, url: null, retry: codeRetryPolicy(checked), generatedSecret: null });
  }

  const result = await store.syncWorkflows('code', definitions, Date.now(), 0);
  if (!result.ok) throw new TypeError(`startServer: code workflow ${describeConflict(result)}`);
  logChanges(logger, 'code', result);

  const handlers = new Map<string, CodeWorkflow>();
  for (const stored of await store.listWorkflows(undefined, undefined)) {
    const workflow = stored.source === 'code' ? byKey.get(orgNameKey(stored.orgId, stored.name)) : undefined;
    if (workflow !== undefined) handlers.set(stored.id, workflow);
  }
  return handlers;
}

function describeConflict(result: Extract<SyncWorkflowsResult, { ok: false }>): string {
  const where = result.orgId === null ? 'for every organisation' : `in organisation ${result.orgId}`;
  const origin = { api: 'created through the API', config: 'defined in WORKFLOWS_FILE', code: 'defined in code' }[result.existingSource];
  return `name ${JSON.stringify(result.name)} ${where} is already used by workflow ${result.existingId}, ${origin}; rename one of them or delete that workflow`;
}

function logChanges(logger: Logger, source: string, result: Extract<SyncWorkflowsResult, { ok: true }>): void {
  if (result.created.length + result.updated.length + result.deleted.length === 0) return;
  logger.info({ source, created: result.created, updated: result.updated, deleted: result.deleted }, 'workflows applied');
}

function orgNameKey(orgId: string | null, name: string): string {
  return `${orgId ?? ''}\u0000${name}`;
}
