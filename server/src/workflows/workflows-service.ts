import {
  ApiError,
  limits,
  workflowLimits,
  type CreatedWorkflow,
  type CreateWorkflowInput,
  type DeletedWorkflow,
  type ListEventRunsInput,
  type ListWorkflowRunsInput,
  type ReplayResult,
  type RotatedSecret,
  type RotateSecretInput,
  type Run,
  type RunPage,
  type UpdateWorkflowInput,
  type Workflow,
  type WorkflowsApi,
} from '../../../contracts';
import type { Caller } from '../ledger/caller';
import { requireScope } from '../ledger/require-scope';
import type { EventView, LedgerStore } from '../storage/ledger-store';
import type { AddressGuard } from './address-guard';
import { RunCursorCodec } from './run-cursor';
import { generateWebhookSecret } from './webhook-signature';
import { checkTriggerPattern, checkWebhookHost, mergeRetryPolicy, resolveWorkflowOrg } from './workflow-input-checks';
import type { OrgScope, RunQuery, WorkflowChanges, WorkflowStore } from './workflow-store';
import { toRunView, toWorkflowView } from './workflow-views';

type RunListInput = Pick<ListWorkflowRunsInput, 'status' | 'limit' | 'cursor' | 'order'>;

/**
 * Managing workflows and reading runs for one caller. Every method needs the scope
 * `workflows:manage`, and a caller with an organisation reaches only that organisation's
 * workflows and runs. The others get the same 404 as missing ones.
 */
export class WorkflowsService {
  constructor(
    private readonly store: WorkflowStore,
    private readonly ledger: LedgerStore,
    private readonly guard: AddressGuard,
    private readonly cursors: RunCursorCodec,
  ) {}

  static async create(store: WorkflowStore, ledger: LedgerStore, guard: AddressGuard): Promise<WorkflowsService> {
    return new WorkflowsService(store, ledger, guard, new RunCursorCodec(Buffer.from(await ledger.cursorSecret(), 'hex')));
  }

  /** Returns the workflows API bound to one caller. */
  forCaller(caller: Caller): WorkflowsApi {
    const scope = caller.orgId;
    const guarded = <Args extends unknown[], Result>(method: (...args: Args) => Promise<Result>) => {
      return async (...args: Args): Promise<Result> => {
        requireScope(caller, 'workflows:manage');
        return method(...args);
      };
    };
    return {
      create: guarded((input) => this.createWorkflow(caller, input)),
      list: guarded(async (input) => {
        if (scope !== undefined && input.orgId !== undefined && input.orgId !== scope) {
          throw new ApiError('FORBIDDEN', `this API key reads workflows of organisation ${scope} only, got orgId ${JSON.stringify(input.orgId)}`);
        }
        return { workflows: (await this.store.listWorkflows(scope, input.orgId)).map(toWorkflowView) };
      }),
      get: guarded(async (input) => toWorkflowView(await this.findWorkflow(input.id, scope))),
      update: guarded((input) => this.updateWorkflow(scope, input)),
      delete: guarded((input) => this.deleteWorkflow(scope, input.id)),
      rotateSecret: guarded((input) => this.rotateSecret(scope, input)),
      listWorkflowRuns: guarded((input) => this.listWorkflowRuns(scope, input)),
      listEventRuns: guarded((input) => this.listEventRuns(scope, input)),
      getRun: guarded(async (input) => this.getRun(scope, input.id)),
      retryRun: guarded((input) => this.retryRun(scope, input.id)),
      replayEvent: guarded(async (input) => this.replayEvent(scope, input.id, input.skipSucceeded ?? false)),
    };
  }

  private async createWorkflow(caller: Caller, input: CreateWorkflowInput): Promise<CreatedWorkflow> {
    const orgId = resolveWorkflowOrg(caller, input.orgId);
    checkTriggerPattern(input.on);
    const retry = mergeRetryPolicy(input.retry);
    await checkWebhookHost(input.webhook.url, this.guard);

    const secret = generateWebhookSecret();
    const workflow = { orgId, name: input.name, kind: 'webhook' as const, source: 'api' as const, pattern: input.on, url: input.webhook.url, retry };
    const result = await this.store.createWorkflow({ ...workflow, enabled: input.enabled ?? true, secret }, Date.now());
    if (!result.ok) {
      if (result.reason === 'name-taken') throw nameTaken(input.name, result.existingId);
      throw new ApiError('CONFLICT', `the organisation already has ${result.limit} workflows, the maximum; delete one before creating another`);
    }
    return { ...toWorkflowView(result.workflow), secret };
  }

  private async updateWorkflow(scope: OrgScope, input: UpdateWorkflowInput): Promise<Workflow> {
    const current = await this.findWorkflow(input.id, scope);
    const changes: WorkflowChanges = {};
    if (input.name !== undefined) changes.name = input.name;
    if (input.on !== undefined) {
      checkTriggerPattern(input.on);
      changes.pattern = input.on;
    }
    if (input.webhook !== undefined) {
      await checkWebhookHost(input.webhook.url, this.guard);
      changes.url = input.webhook.url;
    }
    if (input.retry !== undefined) changes.retry = mergeRetryPolicy(input.retry, current.retry);
    if (input.enabled !== undefined) changes.enabled = input.enabled;
    if (Object.keys(changes).length === 0) {
      throw new ApiError('VALIDATION_FAILED', 'the change is empty; send at least one of name, on, webhook, retry and enabled');
    }

    const result = await this.store.updateWorkflow(input.id, scope, changes, Date.now());
    if (result.ok) return toWorkflowView(result.workflow);
    if (result.reason === 'not-found') throw workflowNotFound(input.id);
    if (result.reason === 'name-taken') throw nameTaken(input.name ?? '', result.existingId);
    throw new ApiError('CONFLICT', `workflow ${input.id} is defined in code, so only enabled can change here; change the other fields in its defineWorkflow call`);
  }

  private async deleteWorkflow(scope: OrgScope, id: string): Promise<DeletedWorkflow> {
    const result = await this.store.deleteWorkflow(id, scope, Date.now());
    if (result.ok) return { id, deletedAt: new Date(result.deletedAt).toISOString() };
    if (result.reason === 'not-found') throw workflowNotFound(id);
    throw new ApiError('CONFLICT', `workflow ${id} is defined in code and comes back at the next start; disable it with PATCH, or remove it from the workflows passed to the server`);
  }

  private async rotateSecret(scope: OrgScope, input: RotateSecretInput): Promise<RotatedSecret> {
    const now = Date.now();
    const overlapMs = (input.overlapSeconds ?? workflowLimits.defaultSecretOverlapSeconds) * 1000;
    const secret = generateWebhookSecret();
    const result = await this.store.rotateSecret(input.id, scope, secret, now + overlapMs, now);
    if (!result.ok) {
      if (result.reason === 'not-found') throw workflowNotFound(input.id);
      throw new ApiError('CONFLICT', `workflow ${input.id} is a code workflow, which has no signing secret`);
    }
    const expiresAt = result.previousSecretExpiresAt;
    return { id: input.id, secret, previousSecretExpiresAt: expiresAt === null ? null : new Date(expiresAt).toISOString() };
  }

  private async listWorkflowRuns(scope: OrgScope, input: ListWorkflowRunsInput): Promise<RunPage> {
    if (!(await this.store.workflowExists(input.id, scope))) throw workflowNotFound(input.id);
    return this.pageOfRuns({ workflowId: input.id }, `workflow:${input.id}`, scope, input);
  }

  private async listEventRuns(scope: OrgScope, input: ListEventRunsInput): Promise<RunPage> {
    await this.findEvent(input.id, scope);
    return this.pageOfRuns({ eventId: input.id }, `event:${input.id}`, scope, input);
  }

  private async getRun(scope: OrgScope, id: string): Promise<Run> {
    const run = await this.store.getRun(id, scope);
    if (run === undefined) throw runNotFound(id);
    return toRunView(run);
  }

  private async retryRun(scope: OrgScope, id: string): Promise<Run> {
    const result = await this.store.retryRun(id, scope, Date.now());
    if (result.ok) return toRunView(result.run);
    if (result.reason === 'not-found') throw runNotFound(id);
    if (result.reason === 'workflow-deleted') throw new ApiError('CONFLICT', `run ${id} belongs to a deleted workflow, so it cannot run again`);
    throw new ApiError('CONFLICT', `run ${id} is ${result.status}, and only dead runs can be retried; use POST /events/{id}/replay to deliver the event again`);
  }

  private async replayEvent(scope: OrgScope, eventId: string, skipSucceeded: boolean): Promise<ReplayResult> {
    await this.findEvent(eventId, scope);
    const runs = await this.store.replayEvent(eventId, scope, skipSucceeded, Date.now());
    return { runs: runs.map(toRunView) };
  }

  private async pageOfRuns(filter: Pick<RunQuery, 'workflowId' | 'eventId'>, list: string, scope: OrgScope, input: RunListInput): Promise<RunPage> {
    const order = input.order ?? 'asc';
    const limit = input.limit ?? limits.defaultPageSize;
    const filters = { list, status: input.status, scope, order };
    const query: RunQuery = { ...filter, status: input.status, scope, order, limit: limit + 1 };
    if (input.cursor !== undefined) {
      const seq = this.cursors.decode(input.cursor, filters);
      if (order === 'asc') query.afterSeq = seq;
      else query.beforeSeq = seq;
    }

    const rows = await this.store.listRuns(query);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    const nextCursor = rows.length > limit && last !== undefined ? this.cursors.encode(last.seq, filters) : null;
    return { runs: page.map(toRunView), nextCursor };
  }

  private async findWorkflow(id: string, scope: OrgScope) {
    const workflow = await this.store.getWorkflow(id, scope);
    if (workflow === undefined) throw workflowNotFound(id);
    return workflow;
  }

  /** Returns the event when the caller may read it; another organisation's event gets the same 404 as a missing one. */
  private async findEvent(id: string, scope: OrgScope): Promise<EventView> {
    const event = await this.ledger.getEvent(id);
    if (event === undefined || (scope !== undefined && event.orgId !== scope)) {
      throw new ApiError('NOT_FOUND', `no event with id ${JSON.stringify(id)}`);
    }
    return event;
  }
}

function workflowNotFound(id: string): ApiError {
  return new ApiError('NOT_FOUND', `no workflow with id ${JSON.stringify(id)}; list the workflows with GET /workflows`);
}

function runNotFound(id: string): ApiError {
  return new ApiError('NOT_FOUND', `no run with id ${JSON.stringify(id)}`);
}

function nameTaken(name: string, existingId: string): ApiError {
  const message = `name ${JSON.stringify(name)} is already used by workflow ${existingId} of this organisation; choose another name`;
  return new ApiError('CONFLICT', message, [{ field: 'name', message }]);
}
