import { Hono } from 'hono';
import { ApiError } from '../../../contracts';
import { registerTrpcRoutes } from '../trpc/trpc-routes';
import type { AppEnv, AppServices } from './app-env';
import { authMiddleware } from './auth-middleware';
import { registerDocsRoutes } from './docs/register-docs-routes';
import { errorResponse, toApiError } from './error-response';
import { registerHealthRoutes } from './health-routes';
import { recordRequestMetrics, registerMetricsRoute } from './metrics-routes';
import { connectionHeaders } from './read-json-request';
import { rateLimitMiddleware } from './rate-limit-middleware';
import { requestId } from './request-id';
import { registerEventRoutes } from './rest/events-routes';
import { registerWorkflowRoutes } from './rest/workflow-routes';

/** Methods each REST path serves; any other method gets a 405 that lists them. */
const restMethods: Record<string, string[]> = {
  '/events': ['GET', 'HEAD', 'POST'],
  '/events/:id': ['GET', 'HEAD'],
  '/events/:id/runs': ['GET', 'HEAD'],
  '/events/:id/replay': ['POST'],
  '/workflows': ['GET', 'HEAD', 'POST'],
  '/workflows/:id': ['GET', 'HEAD', 'PATCH', 'DELETE'],
  '/workflows/:id/rotate-secret': ['POST'],
  '/workflows/:id/runs': ['GET', 'HEAD'],
  '/runs/:id': ['GET', 'HEAD'],
  '/runs/:id/retry': ['POST'],
  '/metrics': ['GET', 'HEAD'],
};

/** Builds the Hono application: REST paths of the API reference, tRPC at `/trpc`, health checks. */
export function createApp(services: AppServices): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.use(recordRequestMetrics(services.metrics));
  app.use(requestId());
  app.use(authMiddleware(services.authenticator, services.logger));
  app.use(rateLimitMiddleware(services.rateLimiter, services.logger));

  registerHealthRoutes(app, services);
  registerMetricsRoute(app, services.metrics);
  registerEventRoutes(app, services);
  registerWorkflowRoutes(app, services);
  registerTrpcRoutes(app, services);
  registerDocsRoutes(app, services);

  for (const [path, methods] of Object.entries(restMethods)) {
    app.all(path, (c) => {
      const message = `${c.req.method} is not allowed on ${c.req.path}; use ${methods.join(', ')}`;
      return errorResponse(c, new ApiError('METHOD_NOT_ALLOWED', message), { allow: methods.join(', ') });
    });
  }

  app.notFound((c) => errorResponse(c, new ApiError('NOT_FOUND', `no route for ${c.req.method} ${c.req.path}; the API is described at /docs`)));

  app.onError((error, c) => {
    const { error: apiError, unexpected } = toApiError(error);
    if (unexpected) {
      services.logger.error({ err: error, requestId: c.get('requestId'), method: c.req.method, path: c.req.path }, 'request failed');
    } else {
      services.logger.debug({ requestId: c.get('requestId'), code: apiError.code, path: c.req.path }, 'request rejected');
    }
    return errorResponse(c, apiError, connectionHeaders(error));
  });

  return app;
}
