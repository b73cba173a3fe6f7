import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { limits } from '../../../contracts';
import { verifyChain } from '../../src/ledger/verify-chain';
import { detailFields, expectError, postJson, type ApiEvent } from '../support/api-helpers';
import { startTestServer, type TestServer } from '../support/start-test-server';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server.stop();
});

/** Builds a publish body around a payload JSON text, inserted verbatim. */
function bodyWithPayload(payloadText: string): string {
  return `{"type":"payload.rules","actor":{"type":"user","id":"usr_rules"},"orgId":"org_rules","payload":${payloadText}}`;
}

/** Objects nested `levels` deep, the payload itself being level 1. */
function nestedObjects(levels: number): string {
  return `${'{"a":'.repeat(levels - 1)}{}${'}'.repeat(levels - 1)}`;
}

async function publishPayload(payloadText: string): Promise<{ event: ApiEvent; text: string; stored: string }> {
  const response = await postJson(server.url, '/events', bodyWithPayload(payloadText));
  expect(response.status, response.text).toBe(201);
  const event = (response.body as { data: ApiEvent }).data;
  const stored = await request(server.url).get(`/events/${event.id}`);
  return { event, text: response.text, stored: stored.text };
}

async function expectRejected(payloadText: string, field: string): Promise<void> {
  const response = await postJson(server.url, '/events', bodyWithPayload(payloadText));
  const error = expectError(response, 400, 'VALIDATION_FAILED');
  expect(detailFields(error)).toContain(field);
}

describe('payload nesting', () => {
  it(`accepts ${limits.maxPayloadDepth} levels`, async () => {
    await publishPayload(nestedObjects(limits.maxPayloadDepth));
  });

  it(`rejects ${limits.maxPayloadDepth + 1} levels`, async () => {
    const response = await postJson(server.url, '/events', bodyWithPayload(nestedObjects(limits.maxPayloadDepth + 1)));
    const error = expectError(response, 400, 'VALIDATION_FAILED');
    expect(error.error.message).toContain('nested deeper');
  });

  it('rejects 20,000 levels of objects with 400', async () => {
    const response = await postJson(server.url, '/events', bodyWithPayload(nestedObjects(20_000)));
    expectError(response, 400, 'VALIDATION_FAILED');
  });

  it('rejects 20,000 levels of arrays with 400', async () => {
    const response = await postJson(server.url, '/events', bodyWithPayload(`{"a":${'['.repeat(20_000)}${']'.repeat(20_000)}}`));
    expectError(response, 400, 'VALIDATION_FAILED');
  });

  it('rejects 20,000 unclosed levels with 400', async () => {
    const response = await postJson(server.url, '/events', bodyWithPayload('['.repeat(20_000)));
    expect(response.status).toBe(400);
  });
});

describe('payload strict JSON', () => {
  it('rejects duplicate keys', async () => {
    await expectRejected('{"a":1,"a":2}', 'payload.a');
  });

  it('rejects duplicate keys spelled with escapes', async () => {
    const response = await postJson(server.url, '/events', bodyWithPayload('{"ab":1,"\\u0061b":2}'));
    const error = expectError(response, 400, 'VALIDATION_FAILED');
    expect(error.error.message).toContain('duplicate key');
  });

  it('rejects duplicate keys outside the payload', async () => {
    const response = await postJson(server.url, '/events', `${bodyWithPayload('{}').slice(0, -1)},"type":"other.type"}`);
    expectError(response, 400, 'VALIDATION_FAILED');
  });

  it('rejects a lone high surrogate escape', async () => {
    await expectRejected('{"text":"abc\\ud800"}', 'payload.text');
  });

  it('rejects a lone low surrogate escape', async () => {
    await expectRejected('{"text":"\\udc00abc"}', 'payload.text');
  });

  it('rejects a lone surrogate in a key', async () => {
    const response = await postJson(server.url, '/events', bodyWithPayload('{"\\ud800":1}'));
    expectError(response, 400, 'VALIDATION_FAILED');
  });

  it('accepts an escaped surrogate pair', async () => {
    const { event } = await publishPayload('{"emoji":"\\ud83d\\ude00"}');
    expect(event.payload['emoji']).toBe('😀');
  });

  it('rejects 9007199254740993', async () => {
    await expectRejected('{"n":9007199254740993}', 'payload.n');
  });

  it('rejects -9007199254740993', async () => {
    await expectRejected('{"n":-9007199254740993}', 'payload.n');
  });

  it('accepts 9007199254740991 exactly', async () => {
    const { stored } = await publishPayload('{"n":9007199254740991}');
    expect(stored).toContain('"n":9007199254740991');
  });

  it('rejects 1e400', async () => {
    await expectRejected('{"n":1e400}', 'payload.n');
  });

  it('rejects -1e400', async () => {
    await expectRejected('{"n":-1e400}', 'payload.n');
  });

  it('rejects a precision-losing decimal', async () => {
    await expectRejected('{"n":0.10000000000000000001}', 'payload.n');
  });

  it('rejects NaN and Infinity literals as invalid JSON', async () => {
    for (const literal of ['NaN', 'Infinity']) {
      const response = await postJson(server.url, '/events', bodyWithPayload(`{"n":${literal}}`));
      expectError(response, 400, 'INVALID_JSON');
    }
  });
});

describe('payload values kept', () => {
  it('returns 1.0 as 1', async () => {
    const { event, text, stored } = await publishPayload('{"n":1.0,"m":2.50,"e":1E2}');
    expect(event.payload).toEqual({ e: 100, m: 2.5, n: 1 });
    expect(text).toContain('"payload":{"e":100,"m":2.5,"n":1}');
    expect(stored).toContain('"payload":{"e":100,"m":2.5,"n":1}');
  });

  it('returns -0 as 0', async () => {
    const { stored } = await publishPayload('{"z":-0}');
    expect(stored).toContain('"payload":{"z":0}');
  });

  it('returns large exponents in ECMAScript form', async () => {
    const { stored } = await publishPayload('{"big":1e21,"small":1e-7}');
    expect(stored).toContain('"payload":{"big":1e+21,"small":1e-7}');
  });

  it('returns object keys in canonical order', async () => {
    const { stored } = await publishPayload('{"b":1,"a":{"z":1,"y":2},"A":3}');
    expect(stored).toContain('"payload":{"A":3,"a":{"y":2,"z":1},"b":1}');
  });

  it('keeps __proto__ and constructor as data', async () => {
    const { event, stored } = await publishPayload('{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}');
    expect(Object.keys(event.payload)).toEqual(['__proto__', 'constructor']);
    expect(stored).toContain('"payload":{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}');
  });

  it('leaves Object.prototype unpolluted', () => {
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('round-trips NUL inside a string', async () => {
    const { event, stored } = await publishPayload('{"text":"a\\u0000b"}');
    expect(event.payload['text']).toBe('a\u0000b');
    expect(stored).toContain('"text":"a\\u0000b"');
  });

  it('round-trips escapes and non-ASCII text', async () => {
    const { event } = await publishPayload('{"text":"line\\nbreak \\"quoted\\" \\/ é \\u00e9 \\u2028"}');
    expect(event.payload['text']).toBe('line\nbreak "quoted" / é é \u2028');
  });

  it('accepts an empty payload object', async () => {
    const { event } = await publishPayload('{}');
    expect(event.payload).toEqual({});
  });

  it('leaves a ledger that verifies', async () => {
    const result = await verifyChain(server.store);
    expect(result.ok).toBe(true);
  });
});
