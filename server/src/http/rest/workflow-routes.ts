import type { Context, Hono } from 'hono';
import {
  createWorkflowInputSchema,
  listEventRunsInputSchema,
  listWorkflowRunsInputSchema,
  listWorkflowsInputSchema,
  replayEventInputSchema,
  rotateSecretInputSchema,
  runIdInputSchema,
  updateWorkflowInputSchema,
  workflowIdInputSchema,
} from '../../../../contracts';
import type { AppEnv, AppServices } from '../app-env';
import { successResponse } from '../json-responses';
import { readJsonRequest } from '../read-json-request';
import { validate } from './events-routes';
import { parseQuery } from './parse-query';

/**
 * Registers the REST routes of workflows and runs: `/workflows`, `/workflows/{id}`,
 * `/workflows/{id}/rotate-secret`, `/workflows/{id}/runs`, `/runs/{id}`, `/runs/{id}/retry`,
 * `/events/{id}/runs` and `/events/{id}/replay`. The id in the path wins over an `id` in the body.
 */
export function registerWorkflowRoutes(app: Hono<AppEnv>, services: AppServices): void {
  const api = (c: Context<AppEnv>) => services.workflows.forCaller(c.get('caller'));

  app.post('/workflows', async (c) => {
    const input = validate(createWorkflowInputSchema, await readJsonRequest(c, services.maxBodyBytes));
    const created = await api(c).create(input);
    return successResponse(c, created, 201, { location: `/workflows/${created.id}` });
  });

  app.get('/workflows', async (c) => {
    const input = validate(listWorkflowsInputSchema, parseQuery(c.req.url, { integers: [] }));
    return successResponse(c, await api(c).list(input));
  });

  app.get('/workflows/:id', async (c) => {
    const input = validate(workflowIdInputSchema, { id: c.req.param('id') });
    return successResponse(c, await api(c).get(input));
  });

  app.patch('/workflows/:id', async (c) => {
    const body = await readJsonRequest(c, services.maxBodyBytes);
    const input = validate(updateWorkflowInputSchema, withPathId(body, c.req.param('id')));
    return successResponse(c, await api(c).update(input));
  });

  app.delete('/workflows/:id', async (c) => {
    const input = validate(workflowIdInputSchema, { id: c.req.param('id') });
    return successResponse(c, await api(c).delete(input));
  });

  app.post('/workflows/:id/rotate-secret', async (c) => {
    const body = await readOptionalJsonBody(c, services.maxBodyBytes);
    const input = validate(rotateSecretInputSchema, withPathId(body, c.req.param('id')));
    return successResponse(c, await api(c).rotateSecret(input));
  });

  app.get('/workflows/:id/runs', async (c) => {
    const query = parseQuery(c.req.url, { integers: ['limit'] });
    const input = validate(listWorkflowRunsInputSchema, withPathId(query, c.req.param('id')));
    return successResponse(c, await api(c).listWorkflowRuns(input));
  });

  registerRunRoutes(app, services);
}

function registerRunRoutes(app: Hono<AppEnv>, services: AppServices): void {
  const api = (c: Context<AppEnv>) => services.workflows.forCaller(c.get('caller'));

  app.get('/runs/:id', async (c) => {
    const input = validate(runIdInputSchema, { id: c.req.param('id') });
    return successResponse(c, await api(c).getRun(input));
  });

  app.post('/runs/:id/retry', async (c) => {
    const body = await readOptionalJsonBody(c, services.maxBodyBytes);
    const input = validate(runIdInputSchema, withPathId(body, c.req.param('id')));
    return successResponse(c, await api(c).retryRun(input), 202);
  });

  app.get('/events/:id/runs', async (c) => {
    const query = parseQuery(c.req.url, { integers: ['limit'] });
    const input = validate(listEventRunsInputSchema, withPathId(query, c.req.param('id')));
    return successResponse(c, await api(c).listEventRuns(input));
  });

  app.post('/events/:id/replay', async (c) => {
    const body = await readOptionalJsonBody(c, services.maxBodyBytes);
    const input = validate(replayEventInputSchema, withPathId(body, c.req.param('id')));
    return successResponse(c, await api(c).replayEvent(input), 202);
  });
}

/**
 * Reads a JSON body that the route does not require: a request without a body counts as
 * `{}`, so `curl -X POST` works without `-d`.
 */
async function readOptionalJsonBody(c: Context<AppEnv>, maxBytes: number): Promise<unknown> {
  const length = c.req.header('content-length');
  const chunked = c.req.header('transfer-encoding') !== undefined;
  if (!chunked && (length === undefined || length.trim() === '0')) return {};
  return readJsonRequest(c, maxBytes);
}

/** Adds the path's id to an object input; other values are left for the schema to reject. */
function withPathId(value: unknown, id: string): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  return { ...value, id };
}
