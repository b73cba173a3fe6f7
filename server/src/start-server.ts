import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Logger } from 'pino';
import type { ServerConfig } from './config/load-config';
import { createApp } from './http/create-app';
import { EventsService } from './ledger/events-service';
import { SqliteLedgerStore } from './storage/sqlite/sqlite-ledger-store';

/** A running server. */
export interface RunningServer {
  url: string;
  port: number;
  store: SqliteLedgerStore;
  /** Stops accepting connections, lets requests in flight finish, then closes the database. */
  close(): Promise<void>;
}

/** Opens the database and starts the HTTP server; resolves once it listens. */
export async function startServer(config: ServerConfig, logger: Logger): Promise<RunningServer> {
  const store = await SqliteLedgerStore.open({ path: config.databasePath, logger });
  const events = await EventsService.create(store);
  let closing = false;
  const app = createApp({
    events,
    logger,
    maxBodyBytes: config.maxBodyBytes,
    isReady: () => !closing && store.writable,
  });

  const server = await new Promise<Server>((resolve, reject) => {
    const started = serve({ fetch: app.fetch, hostname: config.host, port: config.port }, () => resolve(started as Server)) as Server;
    started.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `http://${host}:${port}`;
  logger.info({ url, databasePath: config.databasePath }, 'event ledger listening');

  const close = async () => {
    if (closing) return;
    closing = true;
    logger.info({ url }, 'shutting down: finishing requests in flight');
    await stopHttpServer(server, config.shutdownTimeoutMs, logger);
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
