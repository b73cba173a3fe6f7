import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventsClient, EventsClientError } from '../../../client';
import { ApiKeyAdmin } from '../../src/auth/api-key-admin';
import { sendRaw } from '../hostile/support/raw-request';
import { startTestServer, type TestServer } from '../support/start-test-server';
import { expectFailure, headers, publishBody, restPublish, send, successData, trpcPublish, trpcQuery, type ApiResponse } from './support/api-calls';
import { createKey } from './support/create-key';

let server: TestServer;
let fullKey: string;
let readOnlyKey: string;
let writeOnlyKey: string;

beforeAll(async () => {
  server = await startTestServer({ auth: 'required' });
  fullKey = (await createKey(server, 'org_auth')).key;
  readOnlyKey = (await createKey(server, 'org_auth', { scopes: ['events:read'] })).key;
  writeOnlyKey = (await createKey(server, 'org_auth', { scopes: ['events:write'] })).key;
});

afterAll(async () => {
  await server.stop();
});

/** The same read over REST and over tRPC. */
const transports: Array<{ name: string; list: (key?: string, extra?: Record<string, string>) => Promise<ApiResponse> }> = [
  { name: 'REST', list: (key, extra) => send(server.url, '/events', { headers: { ...headers(key), ...extra } }) },
  {
    name: 'tRPC',
    list: (key, extra) => send(server.url, `/trpc/events.list?input=${encodeURIComponent('{"json":{}}')}`, { headers: { ...headers(key), ...extra } }),
  },
];

describe.each(transports)('authentication over $name', ({ list }) => {
  it('rejects a request without a key', async () => {
    const response = await list();
    expectFailure(response, 401, 'UNAUTHORIZED');
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="event-ledger"');
  });

  it('rejects a non-bearer scheme', async () => {
    const response = await list(undefined, { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` });
    expectFailure(response, 401, 'UNAUTHORIZED');
  });

  it('rejects a malformed key', async () => {
    const response = await list('sk_short');
    expectFailure(response, 401, 'UNAUTHORIZED');
    expect(response.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('rejects an unknown well-formed key', async () => {
    const response = await list(`sk_${'A'.repeat(43)}`);
    const failure = expectFailure(response, 401, 'UNAUTHORIZED');
    expect(failure.message).toContain('not valid');
  });

  it('accepts a valid key', async () => {
    const response = await list(fullKey);
    expect(response.status, response.text).toBe(200);
  });

  it('accepts a lower-case bearer scheme', async () => {
    const response = await list(undefined, { authorization: `bearer ${fullKey}` });
    expect(response.status, response.text).toBe(200);
  });

  it('rejects a key without events:read', async () => {
    const response = await list(writeOnlyKey);
    const failure = expectFailure(response, 403, 'FORBIDDEN');
    expect(failure.message).toContain('events:read');
  });
});

describe('public path tricks', () => {
  it.each([
    '/docs/../events',
    '/docs/%2e%2e/events',
    '/healthz/../events',
    '/healthz%2F..%2Fevents',
    '/metrics/../events',
    '//events',
    '/./events',
    '/readyz/..;/events',
    '/docs/../trpc/events.list?input=%7B%22json%22%3A%7B%7D%7D',
    '/docs/%2e%2e/trpc/events.list',
  ])('%s reaches no event without a key', async (path) => {
    const response = await sendRaw(server.url, { method: 'GET', path });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.text).not.toContain('"events":[');
  });
});

describe('large bodies without a key', () => {
  const body = Buffer.alloc(4 * 1024 * 1024, 0x20);

  it('get the 401 with Content-Length', async () => {
    const response = await sendRaw(server.url, { method: 'POST', path: '/events', headers: { 'content-type': 'application/json' }, body });
    expectFailure(response, 401, 'UNAUTHORIZED');
  });

  it('get the 401 when chunked', async () => {
    const response = await sendRaw(server.url, { method: 'POST', path: '/trpc/events.publish', headers: { 'content-type': 'application/json' }, body, chunkBytes: 64 * 1024 });
    expectFailure(response, 401, 'UNAUTHORIZED');
  });
});

describe('key lifecycle', () => {
  it('rejects a key right after revocation', async () => {
    const { key, id } = await createKey(server, 'org_auth');
    expect((await send(server.url, '/events', { headers: headers(key) })).status).toBe(200);

    await ApiKeyAdmin.forServer(server.store).revoke(id);

    const failure = expectFailure(await send(server.url, '/events', { headers: headers(key) }), 401, 'UNAUTHORIZED');
    expect(failure.message).toContain('revoked');
    expectFailure(await trpcQuery(server.url, 'events.list', '{}', key), 401, 'UNAUTHORIZED');
  });

  it('rejects a key once it expires', async () => {
    const { key } = await createKey(server, 'org_auth', { expiresAt: new Date(Date.now() + 1500) });
    expect((await send(server.url, '/events', { headers: headers(key) })).status).toBe(200);

    await new Promise((resolve) => setTimeout(resolve, 1600));

    const failure = expectFailure(await send(server.url, '/events', { headers: headers(key) }), 401, 'UNAUTHORIZED');
    expect(failure.message).toContain('expired');
  });
});

describe('scopes', () => {
  it('rejects REST publish without events:write', async () => {
    const response = await restPublish(server.url, publishBody('auth.scope.checked'), readOnlyKey);
    const failure = expectFailure(response, 403, 'FORBIDDEN');
    expect(failure.message).toContain('events:write');
  });

  it('rejects tRPC publish without events:write', async () => {
    const response = await trpcPublish(server.url, publishBody('auth.scope.checked'), readOnlyKey);
    expectFailure(response, 403, 'FORBIDDEN');
  });

  it('accepts publish with events:write only', async () => {
    const response = await restPublish(server.url, publishBody('auth.scope.write_only'), writeOnlyKey);
    expect(response.status, response.text).toBe(201);
  });

  it('rejects get without events:read', async () => {
    const published = successData<{ id: string }>(await restPublish(server.url, publishBody('auth.scope.get'), fullKey));
    const response = await send(server.url, `/events/${published.id}`, { headers: headers(writeOnlyKey) });
    expectFailure(response, 403, 'FORBIDDEN');
  });
});

describe('public paths', () => {
  it('serves /healthz without a key', async () => {
    const response = await send(server.url, '/healthz');
    expect(response.status).toBe(200);
  });

  it('serves /readyz without a key', async () => {
    const response = await send(server.url, '/readyz');
    expect(response.status).toBe(200);
  });

  it('serves /openapi.json without a key', async () => {
    const response = await send(server.url, '/openapi.json');
    expect(response.status).toBe(200);
  });

  it('serves /metrics without a key', async () => {
    const response = await send(server.url, '/metrics');
    expect(response.status).toBe(200);
  });

  it('requires a key on unknown paths', async () => {
    const response = await send(server.url, '/no-such-path');
    expectFailure(response, 401, 'UNAUTHORIZED');
  });
});

describe('typed client with apiKey', () => {
  it('publishes and reads with its key', async () => {
    const client = createEventsClient({ url: server.url, apiKey: fullKey });
    const event = await client.publish({ type: 'auth.client.used', actor: { type: 'user', id: 'usr_client' }, payload: { n: 1 } });
    expect(event.orgId).toBe('org_auth');
    const read = await client.get(event.id);
    expect(read).toEqual(event);
  });

  it('reports UNAUTHORIZED without a key', async () => {
    const client = createEventsClient({ url: server.url });
    const error = await client.list().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EventsClientError);
    expect((error as EventsClientError).code).toBe('UNAUTHORIZED');
    expect((error as EventsClientError).status).toBe(401);
  });

  it('reports FORBIDDEN for a missing scope', async () => {
    const client = createEventsClient({ url: server.url, apiKey: readOnlyKey });
    const error = await client.publish({ type: 'auth.client.denied', actor: { type: 'user', id: 'usr_client' }, payload: {} }).catch((caught: unknown) => caught);
    expect((error as EventsClientError).code).toBe('FORBIDDEN');
  });
});

describe('OpenAPI document with auth required', () => {
  it('declares the bearer scheme', async () => {
    const document = (await send(server.url, '/openapi.json')).body as {
      components: { securitySchemes?: Record<string, { type: string; scheme?: string }> };
      paths: Record<string, Record<string, { security?: unknown[] }>>;
    };
    const schemes = Object.values(document.components.securitySchemes ?? {});
    expect(schemes).toContainEqual(expect.objectContaining({ type: 'http', scheme: 'bearer' }));
    expect(document.paths['/events']?.post?.security?.length).toBeGreaterThan(0);
  });
});
