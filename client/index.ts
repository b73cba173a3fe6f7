import { createTRPCClient, httpLink, TRPCClientError } from '@trpc/client';
import { ledgerTransformer } from '../contracts/ledger-transformer';
import type { ApiErrorData, AppRouter, Event, ListEventsInput, PublishInput } from '../contracts';

/** Options of {@link createEventsClient}. */
export interface EventsClientOptions {
  /** Base URL of the server, such as `http://127.0.0.1:3000`; tRPC is served under `/trpc`. */
  url: string;
  /** API key sent as `Authorization: Bearer <key>`. */
  apiKey?: string;
  /** Custom fetch, for tests or proxies. */
  fetch?: typeof fetch;
}

/** Filters of {@link EventsClient.listAll}: those of `list` without paging. */
export type ListAllInput = Omit<ListEventsInput, 'cursor'>;

/** A typed client of the event ledger over tRPC. */
export interface EventsClient {
  publish(input: PublishInput): Promise<Event>;
  list(input?: ListEventsInput): Promise<{ events: Event[]; nextCursor: string | null }>;
  get(id: string): Promise<Event>;
  /** Iterates over every matching event, following cursors page by page. */
  listAll(input?: ListAllInput): AsyncIterableIterator<Event>;
  /** The underlying tRPC client, for procedures without a helper here. */
  trpc: ReturnType<typeof createTRPCClient<AppRouter>>;
}

/** Creates a typed client; errors are {@link EventsClientError}s carrying the API's stable code. */
export function createEventsClient(options: EventsClientOptions): EventsClient {
  const trpc = createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${options.url.replace(/\/+$/, '')}/trpc`,
        transformer: ledgerTransformer,
        headers: () => (options.apiKey === undefined ? {} : { authorization: `Bearer ${options.apiKey}` }),
        ...(options.fetch ? { fetch: options.fetch } : {}),
      }),
    ],
  });

  const list = (input: ListEventsInput = {}) => withApiErrors(() => trpc.events.list.query(input));
  return {
    trpc,
    publish: (input) => withApiErrors(() => trpc.events.publish.mutate(input)),
    list,
    get: (id) => withApiErrors(() => trpc.events.get.query({ id })),
    listAll: async function* (input: ListAllInput = {}) {
      let cursor: string | undefined;
      do {
        const page = await list({ ...input, ...(cursor === undefined ? {} : { cursor }) });
        yield* page.events;
        cursor = page.nextCursor ?? undefined;
      } while (cursor !== undefined);
    },
  };
}

/** An API error as the client sees it: the stable `code`, the HTTP status and the failing fields. */
export class EventsClientError extends Error {
  override readonly name = 'EventsClientError';

  constructor(
    message: string,
    readonly code: ApiErrorData['code'] | 'NETWORK_ERROR',
    readonly status: number | undefined,
    readonly details: ApiErrorData['details'],
    readonly requestId: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

async function withApiErrors<Result>(call: () => Promise<Result>): Promise<Result> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof TRPCClientError) {
      const data = error.data as Partial<ApiErrorData> | undefined;
      if (data?.code !== undefined) {
        throw new EventsClientError(error.message, data.code, data.httpStatus, data.details, data.requestId, { cause: error });
      }
      throw new EventsClientError(error.message, 'NETWORK_ERROR', undefined, undefined, undefined, { cause: error });
    }
    throw error;
  }
}
