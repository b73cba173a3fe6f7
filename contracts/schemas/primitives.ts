import { z } from 'zod';
import { limits } from '../limits';

/** Formats a received value for an error message, cut short so a huge input stays readable. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  let text: string;
  try {
    text = typeof value === 'bigint' ? `${value}n` : (JSON.stringify(value) ?? String(value));
  } catch {
    text = Object.prototype.toString.call(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Builds a schema for a required string that is well formed (no lone surrogates) and matches `rule.pattern`. */
export function textField(field: string, maxLength: number, rule: { pattern: RegExp; hint: string }) {
  const message = `${field} must be a string of 1 to ${maxLength} characters; ${rule.hint}`;
  return z
    .string({ error: (issue) => (issue.input === undefined ? `${field} is required` : `${message}, got ${describeValue(issue.input)}`) })
    .min(1, { error: (issue) => `${message}, got ${describeValue(issue.input)}` })
    .max(maxLength, { error: (issue) => `${message}, got ${String(issue.input).length} characters` })
    .regex(rule.pattern, { error: (issue) => `${message}, got ${describeValue(issue.input)}` })
    .refine((value) => value.isWellFormed(), { error: `${field} contains a lone UTF-16 surrogate; send well-formed Unicode text` });
}

const typePattern = /^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*$/;

/** Event type handle: dot-separated segments such as `support.ticket.created`. */
export const eventTypeSchema = textField('type', limits.maxTypeLength, {
  pattern: typePattern,
  hint: 'dot-separated segments of letters, digits, "_" or "-", such as "support.ticket.created"',
}).describe('Event type handle: dot-separated segments of letters, digits, `_` or `-`, such as `support.ticket.created`.');

/** Organisation id such as `org_acme_123`. */
export const orgIdSchema = textField('orgId', limits.maxIdentifierLength, {
  pattern: /^[A-Za-z0-9][A-Za-z0-9_.:-]*$/,
  hint: 'letters, digits, "_", ".", ":" or "-", starting with a letter or digit, such as "org_acme_123"',
}).describe('Organisation that owns the event, such as `org_acme_123`.');

/** Event id as returned by the API: `evt_` and 26 lowercase Crockford base32 characters. */
export const eventIdSchema = z
  .string()
  .describe('Event id: `evt_` followed by a 26-character, time-sortable suffix.');

const pageSizeMessage = `limit must be an integer from ${limits.minPageSize} to ${limits.maxPageSize}`;

/** Page size of a cursor-paged list of `items`, such as events or runs. */
export function pageSizeSchema(items: string) {
  const message = (issue: { input?: unknown }) => `${pageSizeMessage}, got ${describeValue(issue.input)}`;
  return z
    .number({ error: message })
    .int({ error: message })
    .min(limits.minPageSize, { error: message })
    .max(limits.maxPageSize, { error: message })
    .optional()
    .describe(`Maximum number of ${items} to return, from ${limits.minPageSize} to ${limits.maxPageSize}. Default ${limits.defaultPageSize}.`);
}

/** The `cursor` query parameter of a cursor-paged list. */
export const cursorSchema = z
  .string({ error: (issue) => `cursor must be the nextCursor string of a previous page, got ${describeValue(issue.input)}` })
  .max(limits.maxCursorLength, { error: `cursor is longer than ${limits.maxCursorLength} characters; pass nextCursor exactly as returned` })
  .optional()
  .describe('The `nextCursor` of the previous page. A cursor only works with the filters it was issued for.');

/** The `order` query parameter: oldest first or newest first. */
export const orderSchema = z
  .enum(['asc', 'desc'], { error: (issue) => `order must be "asc" or "desc", got ${describeValue(issue.input)}` })
  .optional();
