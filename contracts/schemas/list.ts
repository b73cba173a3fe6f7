import { z } from 'zod';
import { limits } from '../limits';
import { eventSchema } from './event';
import { cursorSchema, describeValue, eventTypeSchema, orderSchema, orgIdSchema, pageSizeSchema } from './primitives';

const isoTimestamp = (field: string) =>
  z.iso
    .datetime({ offset: true, error: (issue) => `${field} must be an ISO 8601 date-time such as 2026-06-16T17:00:00.000Z, got ${describeValue(issue.input)}` })
    .describe(`ISO 8601 date-time with a Z or an offset.`);

/** Query of `GET /events`. Every filter is bound into the cursors the query issues. */
export const listEventsInputSchema = z
  .strictObject(
    {
      type: eventTypeSchema.optional().describe('Only events of exactly this type.'),
      limit: pageSizeSchema('events'),
      cursor: cursorSchema,
      after: z
        .string({ error: (issue) => `after must be an event id, got ${describeValue(issue.input)}` })
        .max(limits.maxIdentifierLength, { error: 'after must be an event id such as evt_01jh...' })
        .optional()
        .describe('Only events appended after the event with this id: resume from the last event seen.'),
      order: orderSchema
        .describe('`asc` (default) lists oldest first, `desc` newest first.'),
      since: isoTimestamp('since').optional().describe('Only events appended at or after this time (ISO 8601).'),
      until: isoTimestamp('until').optional().describe('Only events appended before this time (ISO 8601).'),
      actorId: z
        .string({ error: (issue) => `actorId must be a string, got ${describeValue(issue.input)}` })
        .min(1, { error: 'actorId must not be empty' })
        .max(limits.maxIdentifierLength, { error: `actorId must be at most ${limits.maxIdentifierLength} characters` })
        .optional()
        .describe('Only events whose `actor.id` is exactly this.'),
      orgId: orgIdSchema.optional().describe('Only events of this organisation. An API key always limits reads to its own organisation.'),
    },
    { error: (issue) => listError(issue) },
  )
  .describe('Filters and paging of the event log.');
export type ListEventsInput = z.infer<typeof listEventsInputSchema>;

function listError(issue: { code: string; input?: unknown; keys?: string[] }): string {
  if (issue.code === 'unrecognized_keys') {
    return `unknown query parameters ${describeValue(issue.keys)}; allowed are type, limit, cursor, after, order, since, until, actorId and orgId`;
  }
  return `the query must be an object, got ${describeValue(issue.input)}`;
}

/** One page of `GET /events`. */
export const eventPageSchema = z
  .object({
    events: z.array(eventSchema).describe('Events in ledger order (or newest first with `order=desc`).'),
    nextCursor: z
      .string()
      .nullable()
      .describe('Pass as `cursor` to get the next page; `null` when no event followed this page at query time.'),
  })
  .meta({ id: 'EventPage' })
  .describe('A page of events.');
export type EventPage = z.infer<typeof eventPageSchema>;

/** Path input of `GET /events/{id}`. */
export const getEventInputSchema = z.strictObject({
  id: z
    .string({ error: (issue) => `id must be an event id, got ${describeValue(issue.input)}` })
    .min(1, { error: 'id must not be empty' })
    .max(limits.maxIdentifierLength, { error: (issue) => `id must be an event id such as evt_01jh..., got ${describeValue(issue.input)}` })
    .describe('The event id, such as `evt_01jh7y3k8m2q9r4t5v6w7x8y9z`.'),
});
export type GetEventInput = z.infer<typeof getEventInputSchema>;
