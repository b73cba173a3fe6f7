import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Logger } from 'pino';
import { ApiKeyAuthenticator } from './auth/api-key-authenticator';
import { resolveAuthMode } from './auth/auth-mode';
import type { ServerConfig } from './config/load-config';
import { createApp } from './http/create-app';
import { TokenBucketLimiter } from './http/rate-limiter';
import { EventsService } from './ledger/events-service';
import { ServiceMetrics } from './metrics/service-metrics';
import { SqliteLedgerStore } from './storage/sqlite/sqlite-ledger-store';
import type { CodeWorkflow } from './workflows/define-workflow';
import { startWorkflows } from './workflows/start-workflows';
import { defaultWorkflowSettings } from './workflows/workflow-settings';

/** A running server. */
export interface RunningServer {
  url: string;
  port: number;
  store: SqliteLedgerStore;
  /** Stops accepting connections, lets requests in flight finish, then closes the database. */
  close(): Promise<void>;
}

/** Options for servers embedded in another program. */
export interface StartServerOptions {
  /** Code workflows, made with defineWorkflow. Code workflows stored by an earlier start but missing here are deleted. */
  workflows?: readonly CodeWorkflow[];
}

/** Opens the database and starts the HTTP server and the workflow dispatcher; resolves once it listens. */
export async function startServer(config: ServerConfig, logger: Logger, options: StartServerOptions = {}): Promise<RunningServer> {
  // loadConfig already rejects AUTH=off on a public host; this also covers configs built in code.
  const auth = resolveAuthMode(config.host, config.auth);
  if (!auth.ok) throw new Error(auth.problem);
  const store = await SqliteLedgerStore.open({ path: config.databasePath, logger });
  const events = await EventsService.create(store);
  const workflows = await startWorkflows({
    ledger: store,
    databasePath: config.databasePath,
    settings: config.workflows ?? defaultWorkflowSettings,
    authMode: auth.mode,
    logger,
    codeWorkflows: options.workflows ?? [],
  }).catch(async (error: unknown) => {
    await store.close();
    throw error;
  });
  const authenticator = auth.mode === 'required' ? new ApiKeyAuthenticator(store.readerConnection) : undefined;
  const rateLimiter = config.rateLimit === undefined ? undefined : new TokenBucketLimiter(config.rateLimit);
  const metrics = new ServiceMetrics();
  store.onGroupCommitted = (stats) => metrics.observeAppendGroup(stats);
  let closing = false;
  const app = createApp({
    metrics,
    events,
    workflows: workflows.service,
    logger,
    maxBodyBytes: config.maxBodyBytes,
    maxBatchBodyBytes: config.maxBatchBodyBytes,
    isReady: () => !closing && store.writable,
    authenticator,
    rateLimiter,
  });

  const server = await new Promise<Server>((resolve, reject) => {
    const started = serve({ fetch: app.fetch, hostname: config.host, port: config.port }, () => resolve(started as Server)) as Server;
    started.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `http://${host}:${port}`;
  logger.info({ url, databasePath: config.databasePath }, 'event ledger listening');
  workflows.dispatcher.start();
  if (auth.mode === 'off') {
    logger.warn({ url, auth: 'off' }, 'authentication is off: any local process can read and write every organisation\'s events; set AUTH=required to require API keys');
  }

  const close = async () => {
    if (closing) return;
    closing = true;
    logger.info({ url }, 'shutting down: finishing requests in flight');
    await Promise.all([stopHttpServer(server, config.shutdownTimeoutMs, logger), workflows.dispatcher.stop()]);
    await store.close();
    logger.info({ databasePath: config.databasePath }, 'database closed; shutdown complete');
  };
  return { url, port, store, close };
}

/** Stops accepting connections and waits for requests in flight, forcing sockets closed after `timeoutMs`. */
async function stopHttpServer(server: Server, timeoutMs: number, logger: Logger): Promise<void> {
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      logger.warn({ timeoutMs }, 'requests still in flight after the shutdown timeout; closing their connections');
      server.closeAllConnections();
    }, timeoutMs);
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    server.closeIdleConnections();
  });
}
