import type { Hono } from 'hono';
import type { z } from 'zod';
import { ApiError, describeValue, getEventInputSchema, limits, listEventsInputSchema, publishBatchInputSchema, publishInputSchema, summarizeIssues } from '../../../../contracts';
import type { AppEnv, AppServices } from '../app-env';
import { errorResponse } from '../error-response';
import { rawSuccessResponse } from '../json-responses';
import { readJsonRequest } from '../read-json-request';
import { parseQuery } from './parse-query';

/** Registers `POST /events`, `GET /events` and `GET /events/{id}` as the API reference documents them. */
export function registerEventRoutes(app: Hono<AppEnv>, services: AppServices): void {
  app.post('/events', async (c) => {
    const body = await readJsonRequest(c, services.maxBodyBytes);
    const idempotencyKey = c.req.header('idempotency-key');
    const input = validate(publishInputSchema, withIdempotencyKey(body, idempotencyKey));
    const api = services.events.forCaller(c.get('caller'));
    const { event, replayed } = await api.publish(input);
    const headers: Record<string, string> = { location: `/events/${event.id}` };
    if (replayed) headers['idempotent-replayed'] = 'true';
    return rawSuccessResponse(c, event.json, 201, headers);
  });

  app.post('/events/batch', async (c) => {
    const body = await readJsonRequest(c, services.maxBatchBodyBytes);
    const input = validate(publishBatchInputSchema, body);
    const result = await services.events.forCaller(c.get('caller')).publishBatch(input);
    const events = result.events.map((record) => record.json).join(',');
    const headers: Record<string, string> = result.replayed.every(Boolean) ? { 'idempotent-replayed': 'true' } : {};
    return rawSuccessResponse(c, `{"events":[${events}],"replayed":${JSON.stringify(result.replayed)}}`, 201, headers);
  });
  // Registered before /events/:id, which would otherwise take GET /events/batch as an event id.
  app.on(['GET', 'HEAD', 'PUT', 'PATCH', 'DELETE'], '/events/batch', (c) =>
    errorResponse(c, new ApiError('METHOD_NOT_ALLOWED', `${c.req.method} is not allowed on /events/batch; use POST`), { allow: 'POST' }),
  );

  app.get('/events', async (c) => {
    const query = parseQuery(c.req.url, { integers: ['limit'] });
    const input = validate(listEventsInputSchema, query);
    const page = await services.events.forCaller(c.get('caller')).list(input);
    const events = page.events.map((record) => record.json).join(',');
    return rawSuccessResponse(c, `{"events":[${events}],"nextCursor":${JSON.stringify(page.nextCursor)}}`);
  });

  app.get('/events/:id', async (c) => {
    const input = validate(getEventInputSchema, { id: c.req.param('id') });
    const event = await services.events.forCaller(c.get('caller')).get(input);
    return rawSuccessResponse(c, event.json);
  });
}

/** Parses `value` with a contract schema; throws VALIDATION_FAILED naming each failing field. */
export function validate<Schema extends z.ZodType>(schema: Schema, value: unknown): z.output<Schema> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const { message, details } = summarizeIssues(result.error.issues);
  throw new ApiError('VALIDATION_FAILED', message, details);
}

function withIdempotencyKey(body: unknown, key: string | undefined): unknown {
  if (key === undefined) return body;
  if (key.length === 0 || key.length > limits.maxIdempotencyKeyLength) {
    const message = `Idempotency-Key must be 1 to ${limits.maxIdempotencyKeyLength} characters, got ${key.length}`;
    throw new ApiError('VALIDATION_FAILED', message, [{ field: 'Idempotency-Key', message }]);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  const inBody = (body as Record<string, unknown>).idempotencyKey;
  if (Object.hasOwn(body, 'idempotencyKey') && inBody !== key) {
    const message = `the Idempotency-Key header ${describeValue(key)} and the body's idempotencyKey ${describeValue(inBody)} differ; send the key in one place only`;
    throw new ApiError('VALIDATION_FAILED', message, [{ field: 'Idempotency-Key', message }]);
  }
  return { ...body, idempotencyKey: key };
}
