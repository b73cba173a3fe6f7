import type { ServiceMetrics } from '../metrics/service-metrics';
import type { HttpBindings } from '@hono/node-server';
import type { Logger } from 'pino';
import type { ApiKeyAuthenticator } from '../auth/api-key-authenticator';
import type { Caller } from '../ledger/caller';
import type { EventsService } from '../ledger/events-service';
import type { WorkflowsService } from '../workflows/workflows-service';
import type { TokenBucketLimiter } from './rate-limiter';

/** Services the HTTP layer uses from the rest of the server. */
export interface AppServices {
  metrics: ServiceMetrics;
  events: EventsService;
  workflows: WorkflowsService;
  logger: Logger;
  maxBodyBytes: number;
  maxBatchBodyBytes: number;
  /** True once the database is open and migrated and the writer runs. */
  isReady: () => boolean;
  /** Checks API keys; undefined when authentication is off (AUTH=off). */
  authenticator?: ApiKeyAuthenticator;
  /** Limits requests per key or client address; undefined when rate limiting is off. */
  rateLimiter?: TokenBucketLimiter;
}

/** Hono environment: Node bindings and per-request variables. */
export interface AppEnv {
  Bindings: HttpBindings;
  Variables: {
    requestId: string;
    caller: Caller;
  };
}
