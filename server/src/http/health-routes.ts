import type { Hono } from 'hono';
import { ApiError } from '../../../contracts';
import type { AppEnv, AppServices } from './app-env';
import { errorResponse } from './error-response';
import { successResponse } from './json-responses';

/** Registers `/healthz`, which returns 200 while the process runs, and `/readyz`, which returns 200 once the database is open, migrated and writable. */
export function registerHealthRoutes(app: Hono<AppEnv>, services: AppServices): void {
  app.get('/healthz', (c) => successResponse(c, { status: 'ok' }));
  app.get('/readyz', (c) => {
    if (services.isReady()) return successResponse(c, { status: 'ready' });
    return errorResponse(c, new ApiError('UNAVAILABLE', 'the server is not ready: the database is not open or the writer is not running'));
  });
}
