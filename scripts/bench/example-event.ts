/**
 * The publish body every benchmark request sends: a support ticket event of typical size,
 * about 250 bytes of JSON. Each request sends the same body, so each publish appends a new
 * event with equal content.
 */
export const exampleEvent = {
  type: 'support.ticket.created',
  actor: { type: 'user', id: 'usr_human_4455', name: 'Dana Reyes' },
  payload: {
    ticketId: 'tkt_20931',
    subject: 'Refund for order 7781',
    priority: 'high',
    tags: ['billing', 'refund'],
  },
  orgId: 'org_acme_123',
} as const;

/** Body of `POST /events/batch` with `size` copies of the example event. */
export function batchBody(size: number): string {
  return JSON.stringify({ events: Array.from({ length: size }, () => exampleEvent) });
}
