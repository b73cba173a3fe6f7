import { request as httpRequest } from 'node:http';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detailFields, eventInput, expectError, expectNoInternals, postJson, referenceRequestBody, type ErrorBody } from '../support/api-helpers';
import { startTestServer, type TestServer } from '../support/start-test-server';

let server: TestServer;
/** A server with a small body limit, for the 413 tests. */
let smallServer: TestServer;
const smallLimit = 4096;

beforeAll(async () => {
  [server, smallServer] = await Promise.all([startTestServer(), startTestServer({ maxBodyBytes: smallLimit })]);
});

afterAll(async () => {
  await Promise.all([server.stop(), smallServer.stop()]);
});

const validEvent = eventInput('errors.test.event', 'org_errors', { ok: true });

function withChanges(changes: Record<string, unknown>, remove: string[] = []): string {
  const event: Record<string, unknown> = { ...validEvent, ...changes };
  for (const key of remove) delete event[key];
  return JSON.stringify(event);
}

describe('GET /events/{id}', () => {
  it('answers 404 NOT_FOUND for an unknown id', async () => {
    const response = await request(server.url).get('/events/evt_00000000000000000000000000');
    const body = expectError(response, 404, 'NOT_FOUND');
    expect(body.error.message).toContain('evt_00000000000000000000000000');
  });

  it('answers 400 for an over-long id', async () => {
    const response = await request(server.url).get(`/events/evt_${'a'.repeat(200)}`);
    const body = expectError(response, 400, 'VALIDATION_FAILED');
    expect(detailFields(body)).toEqual(['id']);
  });
});

describe('POST /events validation', () => {
  const cases: Array<{ name: string; body: string; field: string }> = [
    { name: 'missing type', body: withChanges({}, ['type']), field: 'type' },
    { name: 'empty type', body: withChanges({ type: '' }), field: 'type' },
    { name: 'type with a space', body: withChanges({ type: 'support ticket' }), field: 'type' },
    { name: 'type with an empty segment', body: withChanges({ type: 'support..created' }), field: 'type' },
    { name: 'type with a leading dot', body: withChanges({ type: '.support' }), field: 'type' },
    { name: 'type over 200 characters', body: withChanges({ type: 'a'.repeat(201) }), field: 'type' },
    { name: 'type not a string', body: withChanges({ type: 7 }), field: 'type' },
    { name: 'missing actor', body: withChanges({}, ['actor']), field: 'actor' },
    { name: 'actor without id', body: withChanges({ actor: { type: 'user' } }), field: 'actor.id' },
    { name: 'actor with a control character', body: withChanges({ actor: { type: 'user', id: 'u\u0001' } }), field: 'actor.id' },
    { name: 'missing payload', body: withChanges({}, ['payload']), field: 'payload' },
    { name: 'payload an array', body: withChanges({ payload: [1, 2] }), field: 'payload' },
    { name: 'payload null', body: withChanges({ payload: null }), field: 'payload' },
    { name: 'missing orgId', body: withChanges({}, ['orgId']), field: 'orgId' },
    { name: 'orgId with a slash', body: withChanges({ orgId: 'org/acme' }), field: 'orgId' },
  ];

  for (const { name, body, field } of cases) {
    it(`rejects ${name}`, async () => {
      const response = await postJson(server.url, '/events', body);
      const error = expectError(response, 400, 'VALIDATION_FAILED');
      expect(detailFields(error)).toContain(field);
    });
  }

  it('rejects an extra unknown field naming it', async () => {
    const response = await postJson(server.url, '/events', withChanges({ priority: 'high' }));
    const error = expectError(response, 400, 'VALIDATION_FAILED');
    expect(error.error.message).toContain('priority');
    expect(detailFields(error)).toContain('priority');
  });

  it('rejects a body that is not an object', async () => {
    const response = await postJson(server.url, '/events', '[1]');
    expectError(response, 400, 'VALIDATION_FAILED');
  });

  it('lists every failing field', async () => {
    const response = await postJson(server.url, '/events', '{"payload":[]}');
    const error = expectError(response, 400, 'VALIDATION_FAILED');
    expect(detailFields(error)).toEqual(expect.arrayContaining(['type', 'actor', 'payload']));
  });
});

describe('GET /events limit', () => {
  for (const limit of ['', '0', '-1', '2.5', 'abc', '501', '1e2', '0x10']) {
    it(`rejects limit=${JSON.stringify(limit)}`, async () => {
      const response = await request(server.url).get(`/events?limit=${encodeURIComponent(limit)}`);
      const error = expectError(response, 400, 'VALIDATION_FAILED');
      expect(detailFields(error)).toEqual(['limit']);
      expect(error.error.message).toContain('limit must be an integer from 1 to 500');
    });
  }

  it('rejects a repeated limit', async () => {
    const response = await request(server.url).get('/events?limit=10&limit=20');
    const error = expectError(response, 400, 'VALIDATION_FAILED');
    expect(detailFields(error)).toEqual(['limit']);
  });

  it('accepts limits 1 and 500', async () => {
    for (const limit of [1, 500]) {
      const response = await request(server.url).get(`/events?limit=${limit}`);
      expect(response.status).toBe(200);
    }
  });

  it('rejects an unknown query parameter', async () => {
    const response = await request(server.url).get('/events?page=2');
    const error = expectError(response, 400, 'VALIDATION_FAILED');
    expect(error.error.message).toContain('page');
  });

  it('rejects a malformed since', async () => {
    const response = await request(server.url).get('/events?since=yesterday');
    const error = expectError(response, 400, 'VALIDATION_FAILED');
    expect(detailFields(error)).toEqual(['since']);
  });
});

describe('POST /events body format', () => {
  it('rejects malformed JSON with INVALID_JSON', async () => {
    const response = await postJson(server.url, '/events', '{"type": "a.b",');
    const error = expectError(response, 400, 'INVALID_JSON');
    expect(error.error.message).toContain('not valid JSON');
  });

  it('rejects trailing text after the JSON value', async () => {
    const response = await postJson(server.url, '/events', `${JSON.stringify(validEvent)} {}`);
    expectError(response, 400, 'INVALID_JSON');
  });

  it('rejects an empty body', async () => {
    const response = await postJson(server.url, '/events', '');
    expectError(response, 400, 'INVALID_JSON');
  });

  it('rejects a body of whitespace', async () => {
    const response = await postJson(server.url, '/events', '  \n ');
    expectError(response, 400, 'INVALID_JSON');
  });

  it('rejects invalid UTF-8', async () => {
    const bytes = Buffer.concat([Buffer.from('{"type":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
    const response = await fetch(`${server.url}/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: bytes });
    expect(response.status).toBe(400);
    expect(((await response.json()) as ErrorBody).error.code).toBe('INVALID_JSON');
  });

  it('rejects text/plain with 415', async () => {
    const response = await postJson(server.url, '/events', JSON.stringify(validEvent), { 'content-type': 'text/plain' });
    const error = expectError(response, 415, 'UNSUPPORTED_MEDIA_TYPE');
    expect(error.error.message).toContain('application/json');
  });

  it('rejects a missing Content-Type with 415', async () => {
    const response = await fetch(`${server.url}/events`, { method: 'POST', body: new TextEncoder().encode(JSON.stringify(validEvent)) });
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(response.status).toBe(415);
    expect(((await response.json()) as ErrorBody).error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('rejects a charset other than UTF-8 with 415', async () => {
    const response = await postJson(server.url, '/events', JSON.stringify(validEvent), { 'content-type': 'application/json; charset=latin1' });
    expectError(response, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  for (const contentType of ['application/json; charset=utf-8', 'APPLICATION/JSON', 'Application/Json; Charset="UTF-8"']) {
    it(`accepts Content-Type ${contentType}`, async () => {
      const response = await postJson(server.url, '/events', referenceRequestBody, { 'content-type': contentType });
      expect(response.status, response.text).toBe(201);
    });
  }
});

/** Sends a body over a raw socket connection and resolves with the status and body of the response. */
function rawPost(
  url: string,
  headers: Record<string, string | number>,
  write: (body: (chunk: string) => void) => void,
): Promise<{ status: number; requestId: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(`${url}/events`, { method: 'POST', headers }, (incoming) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('end', () => {
        const requestId = incoming.headers['x-request-id'] as string | undefined;
        resolve({ status: incoming.statusCode ?? 0, requestId, body: Buffer.concat(chunks).toString('utf8') });
      });
      incoming.on('error', reject);
    });
    outgoing.on('error', reject);
    write((chunk) => outgoing.write(chunk));
    outgoing.end();
  });
}

describe('POST /events body size', () => {
  const oversized = JSON.stringify(eventInput('size.test', 'org_size', { text: 'x'.repeat(smallLimit) }));

  it('answers 413 for a Content-Length over the limit', async () => {
    const response = await rawPost(smallServer.url, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(oversized) }, (write) =>
      write(oversized),
    );
    expect(response.status).toBe(413);
    expect((JSON.parse(response.body) as ErrorBody).error.code).toBe('PAYLOAD_TOO_LARGE');
    expect((JSON.parse(response.body) as ErrorBody).error.requestId).toBe(response.requestId);
    expectNoInternals(response.body);
  });

  it('answers 413 for a chunked body over the limit', async () => {
    const chunk = 'x'.repeat(16 * 1024);
    const response = await rawPost(smallServer.url, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' }, (write) => {
      write('{"type":"size.test","payload":{"text":"');
      for (let index = 0; index < 64; index++) write(chunk);
      write('"}}');
    });
    expect(response.status).toBe(413);
    expect((JSON.parse(response.body) as ErrorBody).error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(response.requestId).toBeTruthy();
  });

  it('states the limit in the message', async () => {
    const response = await postJson(smallServer.url, '/events', oversized);
    const error = expectError(response, 413, 'PAYLOAD_TOO_LARGE');
    expect(error.error.message).toContain(String(smallLimit));
  });

  it('accepts a body just under the limit', async () => {
    const base = JSON.stringify(eventInput('size.test', 'org_size', { text: '' }));
    const fitting = JSON.stringify(eventInput('size.test', 'org_size', { text: 'x'.repeat(smallLimit - base.length) }));
    expect(Buffer.byteLength(fitting)).toBe(smallLimit);
    const response = await postJson(smallServer.url, '/events', fitting);
    expect(response.status, response.text).toBe(201);
  });

  it('answers 413 over the default 1 MiB limit', async () => {
    const body = JSON.stringify(eventInput('size.test', 'org_size', { text: 'x'.repeat(1024 * 1024) }));
    const response = await postJson(server.url, '/events', body);
    expectError(response, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('keeps serving after a 413', async () => {
    const response = await request(smallServer.url).get('/healthz');
    expect(response.status).toBe(200);
  });
});

describe('routes and methods', () => {
  it('answers 404 for an unknown route', async () => {
    const response = await request(server.url).get('/nothing/here');
    expectError(response, 404, 'NOT_FOUND');
  });

  it('answers 405 with Allow for PUT /events', async () => {
    const response = await request(server.url).put('/events').set('content-type', 'application/json').send('{}');
    expectError(response, 405, 'METHOD_NOT_ALLOWED');
    expect(response.headers['allow']).toBe('GET, HEAD, POST');
  });

  it('answers 405 with Allow for DELETE /events/{id}', async () => {
    const response = await request(server.url).delete('/events/evt_00000000000000000000000000');
    expectError(response, 405, 'METHOD_NOT_ALLOWED');
    expect(response.headers['allow']).toBe('GET, HEAD');
  });

  it('answers 405 for POST /events/{id}', async () => {
    const response = await postJson(server.url, '/events/evt_00000000000000000000000000', '{}');
    expectError(response, 405, 'METHOD_NOT_ALLOWED');
  });
});

describe('request ids', () => {
  it('adds x-request-id to a success', async () => {
    const response = await request(server.url).get('/events?limit=1');
    expect(response.headers['x-request-id']).toMatch(/^[A-Za-z0-9._:-]{1,128}$/);
  });

  it('adds x-request-id to a health check', async () => {
    const response = await request(server.url).get('/healthz');
    expect(response.headers['x-request-id']).toBeTruthy();
  });

  it('echoes a supplied request id', async () => {
    const response = await request(server.url).get('/events?limit=0').set('x-request-id', 'client-req-42');
    const error = expectError(response, 400, 'VALIDATION_FAILED');
    expect(response.headers['x-request-id']).toBe('client-req-42');
    expect(error.error.requestId).toBe('client-req-42');
  });

  it('echoes a supplied request id on a 201', async () => {
    const response = await postJson(server.url, '/events', referenceRequestBody, { 'x-request-id': 'client-req-43' });
    expect(response.status).toBe(201);
    expect(response.headers['x-request-id']).toBe('client-req-43');
  });

  it('replaces a request id with unsafe characters', async () => {
    const response = await request(server.url).get('/nothing').set('x-request-id', 'bad id <script>');
    const error = expectError(response, 404, 'NOT_FOUND');
    expect(error.error.requestId).not.toBe('bad id <script>');
  });

  it('gives each request its own id', async () => {
    const first = await request(server.url).get('/healthz');
    const second = await request(server.url).get('/healthz');
    expect(first.headers['x-request-id']).not.toBe(second.headers['x-request-id']);
  });
});
