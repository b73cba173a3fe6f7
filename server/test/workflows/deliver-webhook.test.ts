import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAddressGuard, type ResolveHost } from '../../src/workflows/address-guard';
import { deliverWebhook, MAX_RESPONSE_BODY_BYTES } from '../../src/workflows/deliver-webhook';

// Every request in this file goes to a receiver on 127.0.0.1. Tests of rejected addresses
// use other loopback addresses (127.0.0.2, ::1), so even a broken guard would only
// reach this machine.

type ReceivedRequest = { method: string; url: string; headers: IncomingHttpHeaders; body: string };

let server: Server;
let origin: string;
let port: number;
let connections = 0;
let received: ReceivedRequest[] = [];

function route(request: ReceivedRequest, respond: (status: number, headers?: Record<string, string>) => void): void {
  switch (request.url) {
    case '/ok':
      return respond(200);
    case '/fail':
      return respond(500, { 'retry-after': '7' });
    case '/busy':
      return respond(429, { 'retry-after': 'soon' });
    case '/gone':
      return respond(410);
    case '/redirect':
      return respond(302, { location: `${origin}/ok` });
    default:
      return respond(404);
  }
}

function handleStreaming(url: string | undefined, response: import('node:http').ServerResponse): boolean {
  if (url === '/hang') {
    return true;
  }
  if (url === '/large-hanging-body') {
    // Sends more than the read limit and never ends, so only the limit can finish the read.
    response.writeHead(200, { 'content-type': 'text/plain' });
    response.write(Buffer.alloc(MAX_RESPONSE_BODY_BYTES * 2, 'x'));
    return true;
  }
  if (url === '/hanging-body') {
    response.writeHead(202, { 'content-type': 'text/plain' });
    response.write('partial');
    return true;
  }
  return false;
}

beforeAll(async () => {
  server = createServer((request, response) => {
    if (handleStreaming(request.url, response)) {
      return;
    }
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const entry = {
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      received.push(entry);
      route(entry, (status, headers = {}) => {
        response.writeHead(status, headers);
        response.end('receiver response');
      });
    });
  });
  server.on('connection', () => {
    connections += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  connections = 0;
  received = [];
});

const body = JSON.stringify({ type: 'support.ticket.created', data: { id: 'tkt_1' } });
const signatureHeaders = { 'webhook-id': 'msg_1', 'webhook-timestamp': '1700000000', 'webhook-signature': 'v1,abc=' };

function deliver(path: string, extra: Partial<Parameters<typeof deliverWebhook>[0]> = {}) {
  return deliverWebhook({ url: `${origin}${path}`, body, headers: signatureHeaders, timeoutMs: 5_000, ...extra });
}

function fixedResolver(records: Record<string, string[]>): ResolveHost {
  return async (hostname) => records[hostname] ?? [];
}

describe('deliverWebhook responses', () => {
  it('reports success for 200', async () => {
    const result = await deliver('/ok');
    expect(result.outcome).toBe('success');
    expect(result.status).toBe(200);
    expect(result.error).toBeUndefined();
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('sends a JSON POST with headers', async () => {
    await deliver('/ok', { headers: { ...signatureHeaders, 'Content-Type': 'text/plain' } });
    const [request] = received;
    expect(request?.method).toBe('POST');
    expect(request?.body).toBe(body);
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers['content-length']).toBe(String(Buffer.byteLength(body)));
    expect(request?.headers['webhook-id']).toBe('msg_1');
    expect(request?.headers['webhook-signature']).toBe('v1,abc=');
    expect(request?.headers['user-agent']).toBe('event-ledger-webhooks');
  });

  it('sends a custom user agent', async () => {
    await deliver('/ok', { userAgent: 'ledger-test/1.0' });
    expect(received[0]?.headers['user-agent']).toBe('ledger-test/1.0');
  });

  it('retries 500 with Retry-After', async () => {
    const result = await deliver('/fail');
    expect(result.outcome).toBe('retry');
    expect(result.status).toBe(500);
    expect(result.retryAfterMs).toBe(7_000);
  });

  it('ignores an invalid Retry-After', async () => {
    const result = await deliver('/busy');
    expect(result.outcome).toBe('retry');
    expect(result.status).toBe(429);
    expect(result.retryAfterMs).toBeUndefined();
  });

  it('gives up on 410', async () => {
    const result = await deliver('/gone');
    expect(result.outcome).toBe('permanent');
    expect(result.status).toBe(410);
  });

  it('does not follow redirects', async () => {
    const result = await deliver('/redirect');
    expect(result.outcome).toBe('permanent');
    expect(result.status).toBe(302);
    expect(received).toHaveLength(1);
  });

  it('stops reading at the body limit', async () => {
    const result = await deliver('/large-hanging-body', { timeoutMs: 10_000 });
    expect(result.outcome).toBe('success');
    expect(result.status).toBe(200);
    expect(result.durationMs).toBeLessThan(5_000);
  });
});

describe('deliverWebhook failures', () => {
  it('times out a hanging receiver', async () => {
    const result = await deliver('/hang', { timeoutMs: 200 });
    expect(result.outcome).toBe('retry');
    expect(result.error).toBe('timed out after 200 ms');
    expect(result.status).toBeUndefined();
    expect(result.durationMs).toBeGreaterThanOrEqual(190);
  });

  it('keeps the status when the body hangs', async () => {
    const result = await deliver('/hanging-body', { timeoutMs: 200 });
    expect(result.outcome).toBe('success');
    expect(result.status).toBe(202);
  });

  it('reports an abort as retry', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const result = await deliver('/hang', { signal: controller.signal });
    expect(result.outcome).toBe('retry');
    expect(result.error).toBe('aborted');
  });

  it('skips sending when already aborted', async () => {
    const result = await deliver('/ok', { signal: AbortSignal.abort() });
    expect(result.outcome).toBe('retry');
    expect(result.error).toBe('aborted before sending');
    expect(connections).toBe(0);
  });

  it('retries a refused connection', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));

    const result = await deliverWebhook({ url: `http://127.0.0.1:${closedPort}/`, body, headers: {}, timeoutMs: 2_000 });
    expect(result.outcome).toBe('retry');
    expect(result.error).toContain('ECONNREFUSED');
  });

  it('rejects non-http schemes', async () => {
    const result = await deliverWebhook({ url: `ftp://127.0.0.1:${port}/`, body, headers: {}, timeoutMs: 1_000 });
    expect(result.outcome).toBe('permanent');
    expect(result.error).toBe(`unsupported webhook URL scheme "ftp:" in "ftp://127.0.0.1:${port}/"; use http or https`);
    expect(connections).toBe(0);
  });

  it('rejects an invalid URL', async () => {
    const result = await deliverWebhook({ url: 'not a url', body, headers: {}, timeoutMs: 1_000 });
    expect(result.outcome).toBe('permanent');
    expect(result.error).toContain('invalid webhook URL "not a url"');
  });

  it('rejects a non-positive timeout', async () => {
    const result = await deliver('/ok', { timeoutMs: 0 });
    expect(result.outcome).toBe('permanent');
    expect(result.error).toBe('timeoutMs must be a number of ms from 1 to 2147483647, got 0');
    expect(connections).toBe(0);
  });

  it('rejects an invalid header value', async () => {
    const result = await deliver('/ok', { headers: { 'webhook-id': 'msg\r\ninjected: 1' } });
    expect(result.outcome).toBe('permanent');
    expect(result.error).toContain('webhook-id');
    expect(connections).toBe(0);
  });
});

describe('deliverWebhook with an address guard', () => {
  it('rejects loopback before connecting', async () => {
    const guard = createAddressGuard({ allow: [], allowPrivate: false });
    const result = await deliver('/ok', { guard });
    expect(result.outcome).toBe('permanent');
    expect(result.error).toContain('127.0.0.1 is a loopback address');
    expect(connections).toBe(0);
  });

  it('rejects an IPv6 loopback literal', async () => {
    const guard = createAddressGuard({ allow: [], allowPrivate: false });
    const result = await deliverWebhook({ url: `http://[::1]:${port}/ok`, body, headers: {}, timeoutMs: 1_000, guard });
    expect(result.outcome).toBe('permanent');
    expect(result.error).toContain('::1 is a loopback address');
  });

  it('rejects host resolved to blocked address', async () => {
    const resolve = fixedResolver({ 'receiver.test': ['127.0.0.2'] });
    const guard = createAddressGuard({ allow: ['127.0.0.1/32'], allowPrivate: false, resolve });
    const result = await deliverWebhook({ url: `http://receiver.test:${port}/ok`, body, headers: {}, timeoutMs: 1_000, guard });
    expect(result.outcome).toBe('permanent');
    expect(result.error).toContain('host "receiver.test" resolved to a blocked address');
    expect(result.error).toContain('127.0.0.2 is a loopback address');
    expect(connections).toBe(0);
  });

  it('rejects host with one blocked address', async () => {
    const resolve = fixedResolver({ 'mixed.test': ['127.0.0.1', '127.0.0.2'] });
    const guard = createAddressGuard({ allow: ['127.0.0.1/32'], allowPrivate: false, resolve });
    const result = await deliverWebhook({ url: `http://mixed.test:${port}/ok`, body, headers: {}, timeoutMs: 1_000, guard });
    expect(result.outcome).toBe('permanent');
    expect(result.error).toContain('127.0.0.2');
    expect(connections).toBe(0);
  });

  it('allow-list lets 127.0.0.1 through', async () => {
    const guard = createAddressGuard({ allow: ['127.0.0.1/32'], allowPrivate: false });
    const result = await deliver('/ok', { guard });
    expect(result.outcome).toBe('success');
    expect(connections).toBe(1);
  });

  it('allow-list lets a resolved host through', async () => {
    const resolve = fixedResolver({ 'receiver.test': ['127.0.0.1'] });
    const guard = createAddressGuard({ allow: ['127.0.0.1/32'], allowPrivate: false, resolve });
    const result = await deliverWebhook({ url: `http://receiver.test:${port}/ok`, body, headers: {}, timeoutMs: 2_000, guard });
    expect(result.outcome).toBe('success');
    expect(received[0]?.headers.host).toBe(`receiver.test:${port}`);
  });

  it('allowPrivate lets loopback through', async () => {
    const guard = createAddressGuard({ allow: [], allowPrivate: true });
    const result = await deliver('/ok', { guard });
    expect(result.outcome).toBe('success');
  });
});
