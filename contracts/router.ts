import { initTRPC, TRPCError } from '@trpc/server';
import superjson from 'superjson';
import type { OpenApiMeta } from 'trpc-to-openapi';
import { z } from 'zod';
import { ApiError, errorCodes, type ErrorCode, type FieldProblem } from './error-codes';
import { eventSchema, publishInputSchema, type Event, type PublishInput } from './schemas/event';
import { eventPageSchema, getEventInputSchema, listEventsInputSchema, type ListEventsInput } from './schemas/list';
import { summarizeIssues } from './validation-problems';

/** A stored event as read from the ledger: its exact JSON text, parsed only when needed. */
export interface EventRecord {
  readonly id: string;
  /** The event as JSON, with exactly the values its hash covers. */
  readonly json: string;
  toEvent(): Event;
}

/** What the events procedures call. The server implements it once per request, bound to the caller. */
export interface EventsApi {
  publish(input: PublishInput): Promise<{ event: EventRecord; replayed: boolean }>;
  list(input: ListEventsInput): Promise<{ events: EventRecord[]; nextCursor: string | null }>;
  get(input: { id: string }): Promise<EventRecord>;
}

/** Context of every procedure call, over tRPC and REST alike. */
export interface ApiContext {
  api: { events: EventsApi };
  requestId: string;
}

/** Extra procedure metadata: the HTTP status REST answers on success (201 for creations). */
export type ApiMeta = OpenApiMeta<{ successStatus?: 200 | 201 | 202 | 204 }>;

/** Data carried by every tRPC error: the stable API code and, for validation, the failing fields. */
export interface ApiErrorData {
  code: ErrorCode;
  httpStatus: number;
  details?: FieldProblem[];
  requestId?: string;
}

/** Maps any error raised in a procedure to the API's code, message and details. */
export function describeProcedureError(error: TRPCError): { code: ErrorCode; message: string; details?: FieldProblem[] } {
  const cause = error.cause;
  if (cause instanceof ApiError) return { code: cause.code, message: cause.message, details: cause.details };
  if (cause instanceof z.ZodError) return { code: 'VALIDATION_FAILED', ...summarizeIssues(cause.issues) };
  const code = (Object.keys(errorCodes) as ErrorCode[]).find((key) => errorCodes[key].trpc === error.code && errorCodes[key].status !== 400);
  if (error.code === 'BAD_REQUEST') return { code: 'INVALID_JSON', message: error.message };
  if (code === undefined || code === 'INTERNAL') return { code: 'INTERNAL', message: 'internal error; the request id identifies it in the server log' };
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
    transformer: superjson,
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
});

export const appRouter = t.router({ events: eventsRouter });

/** The router type the typed client is built on. */
export type AppRouter = typeof appRouter;
