/** Limits of the public API. Each one is documented in the README; change both together. */
export const limits = {
  /** Maximum length of an event type such as `support.ticket.created`. */
  maxTypeLength: 200,
  /** Maximum length of `orgId`, `actor.id` and `actor.type`. */
  maxIdentifierLength: 128,
  /** Maximum length of `actor.name`. */
  maxActorNameLength: 256,
  /** Maximum nesting of objects and arrays inside `payload`; the payload object itself is level 1. */
  maxPayloadDepth: 32,
  /** Page size bounds of `GET /events`. */
  minPageSize: 1,
  maxPageSize: 500,
  defaultPageSize: 50,
  /** Maximum length of a cursor token; longer ones are rejected before decoding. */
  maxCursorLength: 256,
  /** Maximum number of events in one batch publish. */
  maxBatchSize: 500,
  /** Maximum length of an `Idempotency-Key`. */
  maxIdempotencyKeyLength: 255,
} as const;
