import type { Hono, MiddlewareHandler } from 'hono';
import type { ServiceMetrics } from '../metrics/service-metrics';
import type { AppEnv } from './app-env';

/** Counts every request and times it by route pattern. */
export function recordRequestMetrics(metrics: ServiceMetrics): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    await next();
    metrics.observeRequest(c.req.method, c.req.routePath, c.res.status, (performance.now() - started) / 1000);
  };
}

/** Serves the metrics in the Prometheus text format at `GET /metrics`. */
export function registerMetricsRoute(app: Hono<AppEnv>, metrics: ServiceMetrics): void {
  app.get('/metrics', async () => {
    const text = await metrics.registry.metrics();
    return new Response(text, { headers: { 'content-type': metrics.registry.contentType } });
  });
}
