import { z } from 'zod';
import { findNonJsonValue } from '../json-value';
import { limits } from '../limits';
import { describeValue, eventIdSchema, eventTypeSchema, orgIdSchema, textField } from './primitives';

/** A JSON object, exactly as sent: keys such as `__proto__` are kept as ordinary data. */
export type JsonObject = { [key: string]: unknown };

/**
 * The event payload: any JSON object. `z.custom` keeps the object as sent, because zod's record
 * and object schemas copy keys by assignment and would silently drop a `__proto__` key.
 */
export const payloadSchema = z
  .custom<JsonObject>((value) => typeof value === 'object' && value !== null && !Array.isArray(value), {
    error: (issue) => `payload must be a JSON object, got ${describeValue(issue.input)}`,
  })
  // The OpenAPI override sits right on the custom schema: zod-openapi 5.4 rejects a refinement of
  // a custom schema that has no JSON Schema of its own, and refinements inherit this metadata.
  .meta({ override: { type: 'object', additionalProperties: {} } })
  .superRefine((value, context) => {
    const problem = findNonJsonValue(value, limits.maxPayloadDepth);
    if (problem === undefined) return;
    const path = problem.path === '' ? 'payload' : `payload${problem.path.startsWith('[') ? '' : '.'}${problem.path}`;
    context.addIssue({ code: 'custom', message: `${path} ${problem.problem}` });
  })
  .describe(
    `Event data: any JSON object, nested at most ${limits.maxPayloadDepth} levels. Integers beyond 2^53 - 1, non-finite numbers, duplicate keys and lone surrogates are rejected.`,
  );

const printable = /^[^\p{Cc}]+$/u;

/** The cause of the event: a user, an agent or a service. */
export const actorSchema = z
  .strictObject(
    {
      // Fields in sorted order, which is the order of the canonical JSON that reads return. zod
      // builds its output object in this order, so tRPC returns the same key order as REST.
      id: textField('actor.id', limits.maxIdentifierLength, {
        pattern: /^[^\s\p{Cc}]+$/u,
        hint: 'no spaces or control characters',
      }).describe('Actor id, such as `usr_human_4455`.'),
      name: textField('actor.name', limits.maxActorNameLength, {
        pattern: printable,
        hint: 'no control characters',
      })
        .optional()
        .describe('Display name of the actor.'),
      type: textField('actor.type', limits.maxIdentifierLength, {
        pattern: /^[A-Za-z0-9_.:-]+$/,
        hint: 'letters, digits, "_", ".", ":" or "-", such as "user" or "agent"',
      }).describe('Kind of actor, such as `user`, `agent` or `service`.'),
    },
    { error: (issue) => actorError(issue) },
  )
  .describe('Who caused the event.');

function actorError(issue: { code: string; input?: unknown; keys?: string[] }): string {
  if (issue.code === 'unrecognized_keys') return `actor has unknown fields ${describeValue(issue.keys)}; allowed are type, id and name`;
  if (issue.input === undefined) return 'actor is required: an object with type, id and an optional name';
  return `actor must be an object with type, id and an optional name, got ${describeValue(issue.input)}`;
}

/** The API reference's example event, shown in the OpenAPI document. */
const exampleEvent = {
  type: 'support.ticket.created',
  actor: { type: 'user', id: 'usr_human_4455', name: 'Jane Doe' },
  payload: { ticketId: 'TCK-101', title: 'Unable to modify team role settings', priority: 'high' },
  orgId: 'org_acme_123',
};

/** A stored event, as every read returns it and exactly as its hash covers it. */
export const eventSchema = z
  .object({
    id: eventIdSchema,
    type: eventTypeSchema,
    actor: actorSchema,
    payload: payloadSchema,
    orgId: orgIdSchema,
    timestamp: z.string().describe('When the ledger appended the event: ISO 8601 UTC with milliseconds, assigned by the server.'),
  })
  .meta({
    id: 'Event',
    examples: [
      {
        id: 'evt_01kv8p09m09b1a8c7e6f0a1b2c',
        ...exampleEvent,
        actor: { id: 'usr_human_4455', name: 'Jane Doe', type: 'user' },
        payload: { priority: 'high', ticketId: 'TCK-101', title: 'Unable to modify team role settings' },
        timestamp: '2026-06-16T17:00:00.000Z',
      },
    ],
  })
  .describe('An event as stored in the ledger.');
export type Event = z.infer<typeof eventSchema>;
export type Actor = z.infer<typeof actorSchema>;

/** Body of `POST /events`. */
export const publishInputSchema = z
  .strictObject(
    {
      type: eventTypeSchema,
      actor: actorSchema,
      payload: payloadSchema,
      orgId: orgIdSchema.optional(),
      idempotencyKey: z
        .string({ error: (issue) => `idempotencyKey must be a string, got ${describeValue(issue.input)}` })
        .min(1, { error: 'idempotencyKey must not be empty' })
        .max(limits.maxIdempotencyKeyLength, { error: `idempotencyKey must be at most ${limits.maxIdempotencyKeyLength} characters` })
        .optional()
        .describe('Makes retries safe: a retry with the same key and body returns the first result. REST clients may send the `Idempotency-Key` header instead.'),
    },
    { error: (issue) => publishError(issue) },
  )
  .meta({ examples: [exampleEvent] })
  .describe('An event to append to the ledger.');
export type PublishInput = z.infer<typeof publishInputSchema>;

function publishError(issue: { code: string; input?: unknown; keys?: string[] }): string {
  if (issue.code === 'unrecognized_keys') {
    return `the event has unknown fields ${describeValue(issue.keys)}; allowed are type, actor, payload, orgId and idempotencyKey`;
  }
  return `the request body must be a JSON object with type, actor, payload and orgId, got ${describeValue(issue.input)}`;
}

/** Body of `POST /events/batch`: up to 500 events appended atomically, in order. */
export const publishBatchInputSchema = z
  .strictObject(
    {
      events: z
        .array(publishInputSchema, { error: (issue) => `events must be an array of events, got ${describeValue(issue.input)}` })
        .min(1, { error: 'events must contain at least one event' })
        .max(limits.maxBatchSize, { error: (issue) => `events may contain at most ${limits.maxBatchSize} events, got ${Array.isArray(issue.input) ? issue.input.length : 'more'}; split the batch` })
        .describe(`The events to append, 1 to ${limits.maxBatchSize}. Each may carry its own \`idempotencyKey\`.`),
    },
    { error: (issue) => (issue.code === 'unrecognized_keys' ? `the batch has unknown fields ${describeValue(issue.keys)}; the only field is events` : `the request body must be an object {"events": [...]}, got ${describeValue(issue.input)}`) },
  )
  .describe('Events to append atomically: all of them or none.');
export type PublishBatchInput = z.infer<typeof publishBatchInputSchema>;

/** Result of a batch publish: the stored events in request order. */
export const publishedBatchSchema = z
  .object({
    events: z.array(eventSchema).describe('The stored events, in the order of the request.'),
    replayed: z
      .array(z.boolean())
      .describe('For each event, true when an earlier publish with the same idempotency key stored it and this request returned it unchanged.'),
  })
  .meta({ id: 'PublishedBatch' })
  .describe('The events of a batch, as stored.');
export type PublishedBatch = z.infer<typeof publishedBatchSchema>;
