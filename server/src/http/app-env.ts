import type { HttpBindings } from '@hono/node-server';
import type { Logger } from 'pino';
import type { Caller } from '../ledger/caller';
import type { EventsService } from '../ledger/events-service';

/** What the HTTP layer needs from the rest of the server. */
export interface AppServices {
  events: EventsService;
  logger: Logger;
  maxBodyBytes: number;
  /** True once the database is open and migrated and the writer runs. */
  isReady: () => boolean;
}

/** Hono environment: Node bindings and per-request variables. */
export interface AppEnv {
  Bindings: HttpBindings;
  Variables: {
    requestId: string;
    caller: Caller;
  };
}
