import { initTRPC, TRPCError } from '@trpc/server';
import type { OpenApiMeta } from 'trpc-to-openapi';
import { z } from 'zod';
import { ledgerTransformer } from './ledger-transformer';
import { ApiError, errorCodes, type ErrorCode, type FieldProblem } from './error-codes';
import { eventSchema, publishBatchInputSchema, publishedBatchSchema, publishInputSchema, type Event, type PublishBatchInput, type PublishInput } from './schemas/event';
import { eventPageSchema, getEventInputSchema, listEventsInputSchema, type ListEventsInput } from './schemas/list';
import { summarizeIssues } from './validation-problems';
import {
  createdWorkflowSchema,
  createWorkflowInputSchema,
  deletedWorkflowSchema,
  listEventRunsInputSchema,
  listWorkflowRunsInputSchema,
  listWorkflowsInputSchema,
  replayEventInputSchema,
  replayResultSchema,
  rotatedSecretSchema,
  rotateSecretInputSchema,
  runIdInputSchema,
  runPageSchema,
  runSchema,
  updateWorkflowInputSchema,
  workflowIdInputSchema,
  workflowListSchema,
  workflowSchema,
} from './schemas/workflow';
import type { WorkflowsApi } from './workflows-api';

/** A stored event as read from the ledger: its exact JSON text, parsed only when needed. */
export interface EventRecord {
  readonly id: string;
  /** The event as JSON, with exactly the values its hash covers. */
  readonly json: string;
  toEvent(): Event;
}

/** The operations the events procedures call. The server implements them once per request, bound to the caller. */
export interface EventsApi {
  publish(input: PublishInput): Promise<{ event: EventRecord; replayed: boolean }>;
  publishBatch(input: PublishBatchInput): Promise<{ events: EventRecord[]; replayed: boolean[] }>;
  list(input: ListEventsInput): Promise<{ events: EventRecord[]; nextCursor: string | null }>;
  get(input: { id: string }): Promise<EventRecord>;
}

/** Context of every procedure call, over tRPC and REST alike. */
export interface ApiContext {
  api: { events: EventsApi; workflows: WorkflowsApi };
  requestId: string;
}

/** Extra procedure metadata: the HTTP status of a REST success (201 for creations). */
export type ApiMeta = OpenApiMeta<{ successStatus?: 200 | 201 | 202 | 204 }>;

/** Data carried by every tRPC error: the stable API code and, for validation, the failing fields. */
export interface ApiErrorData {
  code: ErrorCode;
  httpStatus: number;
  details?: FieldProblem[];
  requestId?: string;
}

/** tRPC codes the API can see without an ApiError cause, and the stable code each one becomes. */
const codesOfTrpcErrors: Partial<Record<TRPCError['code'], ErrorCode>> = {
  NOT_FOUND: 'NOT_FOUND',
  METHOD_NOT_SUPPORTED: 'METHOD_NOT_ALLOWED',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  UNAUTHORIZED: 'UNAUTHORIZED',
  FORBIDDEN: 'FORBIDDEN',
  TOO_MANY_REQUESTS: 'RATE_LIMITED',
};

/** Maps any error raised in a procedure to the API's code, message and details. */
export function describeProcedureError(error: TRPCError): { code: ErrorCode; message: string; details?: FieldProblem[] } {
  const cause = error.cause;
  if (cause instanceof ApiError) return { code: cause.code, message: cause.message, details: cause.details };
  if (cause instanceof z.ZodError) return { code: 'VALIDATION_FAILED', ...summarizeIssues(cause.issues) };
  // Any other BAD_REQUEST comes from decoding the input (JSON or superjson); its text may be a
  // library's internal message, so it is not passed on.
  if (error.code === 'BAD_REQUEST' || error.code === 'PARSE_ERROR') {
    return { code: 'INVALID_JSON', message: 'the tRPC input could not be decoded; send {"json": <input>} with plain JSON values' };
  }
  const code = codesOfTrpcErrors[error.code];
  if (code === undefined) return { code: 'INTERNAL', message: 'internal error; the request id identifies it in the server log' };
  return { code, message: error.message };
}

/** Result of publishing over tRPC: the event, with `replayed: true` when an idempotency key matched an earlier publish. */
const publishedEventSchema = eventSchema.extend({
  replayed: z
    .literal(true)
    .optional()
    .describe('Present over tRPC only, when an earlier publish with the same idempotency key stored this event. REST sends the header `Idempotent-Replayed: true` instead.'),
});

const t = initTRPC
  .context<ApiContext>()
  .meta<ApiMeta>()
  .create({
    transformer: ledgerTransformer,
    isDev: false,
    errorFormatter({ shape, error, ctx }) {
      const described = describeProcedureError(error);
      const data: ApiErrorData = {
        code: described.code,
        httpStatus: errorCodes[described.code].status,
        ...(described.details ? { details: described.details } : {}),
        ...(ctx?.requestId ? { requestId: ctx.requestId } : {}),
      };
      return { message: described.message, code: shape.code, data };
    },
  });

/** Turns an ApiError thrown by the implementation into the matching tRPC error code. */
const mapApiErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof ApiError) {
    const cause = result.error.cause;
    throw new TRPCError({ code: errorCodes[cause.code].trpc, message: cause.message, cause });
  }
  return result;
});

const procedure = t.procedure.use(mapApiErrors);

const errorResponses = {
  400: 'Invalid input: the error names the field and the fix.',
  404: 'No such event.',
  415: 'The body is not application/json.',
  413: 'The body is larger than the limit.',
} as const;

export const eventsRouter = t.router({
  publish: procedure
    .meta({
      successStatus: 201,
      openapi: {
        method: 'POST',
        path: '/events',
        tags: ['events'],
        summary: 'Publish an event',
        description:
          'Appends a new, immutable event to the ledger of its organisation and returns it with its id and timestamp. All workflows matching the event type are triggered asynchronously.',
        successDescription: 'The event was appended and is on disk.',
        errorResponses: { 400: errorResponses[400], 413: errorResponses[413], 415: errorResponses[415] },
      },
    })
    .input(publishInputSchema)
    .output(publishedEventSchema)
    .mutation(async ({ ctx, input }) => {
      const { event, replayed } = await ctx.api.events.publish(input);
      return replayed ? { ...event.toEvent(), replayed } : event.toEvent();
    }),

  publishBatch: procedure
    .meta({
      successStatus: 201,
      openapi: {
        method: 'POST',
        path: '/events/batch',
        tags: ['events'],
        summary: 'Publish a batch of events',
        description:
          'Appends up to 500 events atomically and in order: all of them are stored, or none. One invalid or conflicting event fails the whole batch, and the error details name its index, such as `events[3].type`. The batch body limit is larger than the single-event one.',
        successDescription: 'Every event of the batch was appended and is on disk.',
        errorResponses: { 400: errorResponses[400], 413: errorResponses[413], 415: errorResponses[415], 422: 'An idempotency key of the batch was used before for a different event.' },
      },
    })
    .input(publishBatchInputSchema)
    .output(publishedBatchSchema)
    .mutation(async ({ ctx, input }) => {
      const result = await ctx.api.events.publishBatch(input);
      return { events: result.events.map((record) => record.toEvent()), replayed: result.replayed };
    }),

  list: procedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/events',
        tags: ['events'],
        summary: 'Query the event log',
        description:
          'Lists events in ledger order, oldest first, filtered by type, actor, time or organisation. Pages are cursor-based: pass `nextCursor` as `cursor` to continue; events appended while paging are neither skipped nor repeated.',
        successDescription: 'A page of events.',
        errorResponses: { 400: errorResponses[400] },
      },
    })
    .input(listEventsInputSchema)
    .output(eventPageSchema)
    .query(async ({ ctx, input }) => {
      const page = await ctx.api.events.list(input);
      return { events: page.events.map((record) => record.toEvent()), nextCursor: page.nextCursor };
    }),

  get: procedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/events/{id}',
        tags: ['events'],
        summary: 'Get one event',
        description: 'Returns the full event with this id, exactly as it was hashed into the ledger.',
        successDescription: 'The event.',
        errorResponses: { 400: errorResponses[400], 404: errorResponses[404] },
      },
    })
    .input(getEventInputSchema)
    .output(eventSchema)
    .query(async ({ ctx, input }) => (await ctx.api.events.get(input)).toEvent()),

  runs: procedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/events/{id}/runs',
        tags: ['events', 'runs'],
        summary: 'List the workflow runs of an event',
        description:
          'Lists the runs that publishing or replaying this event created, one per triggered workflow, with status, attempt count, last error and timings. Pages are cursor-based like `GET /events`.',
        successDescription: 'A page of runs.',
        errorResponses: { 400: errorResponses[400], 404: errorResponses[404] },
      },
    })
    .input(listEventRunsInputSchema)
    .output(runPageSchema)
    .query(({ ctx, input }) => ctx.api.workflows.listEventRuns(input)),

  replay: procedure
    .meta({
      successStatus: 202,
      openapi: {
        method: 'POST',
        path: '/events/{id}/replay',
        tags: ['events', 'runs'],
        summary: 'Trigger the matching workflows again',
        description:
          'Creates a new run for every enabled workflow that matches the event now. With `skipSucceeded`, workflows that already have a succeeded run for the event are skipped. New runs have new ids, so receivers that drop duplicates by `webhook-id` process them again.',
        successDescription: 'The runs were queued.',
        errorResponses: { 400: errorResponses[400], 404: errorResponses[404], 415: errorResponses[415] },
      },
    })
    .input(replayEventInputSchema)
    .output(replayResultSchema)
    .mutation(({ ctx, input }) => ctx.api.workflows.replayEvent(input)),
});

const workflowErrors = {
  404: 'No such workflow.',
  409: 'Another workflow of the organisation has this name, or the workflow is defined in code, which allows only enabling and disabling it.',
} as const;

export const workflowsRouter = t.router({
  create: procedure
    .meta({
      successStatus: 201,
      openapi: {
        method: 'POST',
        path: '/workflows',
        tags: ['workflows'],
        summary: 'Create a webhook workflow',
        description:
          'Registers a URL that receives every event whose type matches `on`, as a POST signed per Standard Webhooks. The response carries the signing secret, which no other response shows. The URL must resolve to addresses the server may reach.',
        successDescription: 'The workflow, with its signing secret.',
        errorResponses: { 400: errorResponses[400], 409: 'Another workflow of the organisation has this name, or the organisation has the maximum number of workflows.', 413: errorResponses[413], 415: errorResponses[415] },
      },
    })
    .input(createWorkflowInputSchema)
    .output(createdWorkflowSchema)
    .mutation(({ ctx, input }) => ctx.api.workflows.create(input)),

  list: procedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/workflows',
        tags: ['workflows'],
        summary: 'List workflows',
        description: 'Lists every workflow that is not deleted, oldest first, including workflows from the workflows file and from code.',
        successDescription: 'The workflows.',
        errorResponses: { 400: errorResponses[400] },
      },
    })
    .input(listWorkflowsInputSchema)
    .output(workflowListSchema)
    .query(({ ctx, input }) => ctx.api.workflows.list(input)),

  get: procedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/workflows/{id}',
        tags: ['workflows'],
        summary: 'Get one workflow',
        description: 'Returns the workflow without its secret.',
        successDescription: 'The workflow.',
        errorResponses: { 400: errorResponses[400], 404: workflowErrors[404] },
      },
    })
    .input(workflowIdInputSchema)
    .output(workflowSchema)
    .query(({ ctx, input }) => ctx.api.workflows.get(input)),

  update: procedure
    .meta({
      openapi: {
        method: 'PATCH',
        path: '/workflows/{id}',
        tags: ['workflows'],
        summary: 'Change a workflow',
        description:
          'Enables or disables the workflow, or changes its name, pattern, URL or retry policy. Disabling stops new runs and pauses queued ones. A new URL or retry policy also applies to runs already queued. Code workflows can only be enabled or disabled.',
        successDescription: 'The changed workflow.',
        errorResponses: { 400: errorResponses[400], 404: workflowErrors[404], 409: workflowErrors[409], 415: errorResponses[415] },
      },
    })
    .input(updateWorkflowInputSchema)
    .output(workflowSchema)
    .mutation(({ ctx, input }) => ctx.api.workflows.update(input)),

  delete: procedure
    .meta({
      openapi: {
        method: 'DELETE',
        path: '/workflows/{id}',
        tags: ['workflows'],
        summary: 'Delete a workflow',
        description:
          'Stops new runs and turns queued runs `dead`. Runs stay readable through `GET /events/{id}/runs` and `GET /workflows/{id}/runs`. Workflows defined in code cannot be deleted here.',
        successDescription: 'The workflow was deleted.',
        errorResponses: { 400: errorResponses[400], 404: workflowErrors[404], 409: workflowErrors[409] },
      },
    })
    .input(workflowIdInputSchema)
    .output(deletedWorkflowSchema)
    .mutation(({ ctx, input }) => ctx.api.workflows.delete(input)),

  rotateSecret: procedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/workflows/{id}/rotate-secret',
        tags: ['workflows'],
        summary: 'Rotate the signing secret',
        description:
          'Issues a new signing secret and returns it once. For the overlap period (default 24 h) every delivery carries signatures with the new and the replaced secret, so receivers can switch without missing a delivery; then the replaced secret stops being used.',
        successDescription: 'The new secret.',
        errorResponses: { 400: errorResponses[400], 404: workflowErrors[404], 409: 'The workflow is a code workflow, which has no secret.', 415: errorResponses[415] },
      },
    })
    .input(rotateSecretInputSchema)
    .output(rotatedSecretSchema)
    .mutation(({ ctx, input }) => ctx.api.workflows.rotateSecret(input)),

  runs: procedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/workflows/{id}/runs',
        tags: ['workflows', 'runs'],
        summary: 'List the runs of a workflow',
        description: 'Lists the runs of the workflow, also after it was deleted, with status, attempt count, last error and timings. Pages are cursor-based like `GET /events`.',
        successDescription: 'A page of runs.',
        errorResponses: { 400: errorResponses[400], 404: workflowErrors[404] },
      },
    })
    .input(listWorkflowRunsInputSchema)
    .output(runPageSchema)
    .query(({ ctx, input }) => ctx.api.workflows.listWorkflowRuns(input)),
});

export const runsRouter = t.router({
  get: procedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/runs/{id}',
        tags: ['runs'],
        summary: 'Get one run',
        description: 'Returns the run with its status, attempt count, last error and timings.',
        successDescription: 'The run.',
        errorResponses: { 400: errorResponses[400], 404: 'No such run.' },
      },
    })
    .input(runIdInputSchema)
    .output(runSchema)
    .query(({ ctx, input }) => ctx.api.workflows.getRun(input)),

  retry: procedure
    .meta({
      successStatus: 202,
      openapi: {
        method: 'POST',
        path: '/runs/{id}/retry',
        tags: ['runs'],
        summary: 'Retry a dead run',
        description:
          'Queues a `dead` run again with a fresh set of attempts under the current retry policy. The run keeps its id, so its deliveries keep their `webhook-id`.',
        successDescription: 'The run is pending again.',
        errorResponses: { 400: errorResponses[400], 404: 'No such run.', 409: 'The run is not dead, or its workflow was deleted.', 415: errorResponses[415] },
      },
    })
    .input(runIdInputSchema)
    .output(runSchema)
    .mutation(({ ctx, input }) => ctx.api.workflows.retryRun(input)),
});

export const appRouter = t.router({ events: eventsRouter, workflows: workflowsRouter, runs: runsRouter });

/** The router type the typed client is built on. */
export type AppRouter = typeof appRouter;
