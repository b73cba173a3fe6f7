import type { RawRequest } from './raw-request';

export type Transport = 'rest' | 'trpc';

/** Values that exist only once the server runs, such as cursors it issued. */
export interface CaseContext {
  /** A valid cursor issued for `type=hostile.seed.a` with `limit=1`. */
  cursorForTypeA: string;
  /** The body limit of the server under test, in bytes. */
  maxBodyBytes: number;
}

/**
 * What a case must get: a rejection with this status and code, an accepted publish whose event
 * reads back identical, or an accepted read that writes nothing.
 */
export type Expectation = { reject: { status: number; code: string } } | { accept: 'publish' } | { accept: 'read' };

export interface HostileCase {
  name: string;
  /** The request of each transport the case applies to. */
  requests: Partial<Record<Transport, (context: CaseContext) => RawRequest>>;
  expect: Expectation;
}

const json = { 'content-type': 'application/json' };

/** Builds a publish body as raw JSON text; each part is a JSON fragment, so it can hold anything. */
export function eventText(parts: { type?: string; actor?: string; payload?: string; orgId?: string; extra?: string } = {}): string {
  const type = parts.type ?? '"hostile.case"';
  const actor = parts.actor ?? '{"type":"user","id":"usr_hostile"}';
  const payload = parts.payload ?? '{"ok":true}';
  const orgId = parts.orgId ?? '"org_hostile"';
  return `{"type":${type},"actor":${actor},"payload":${payload},"orgId":${orgId}${parts.extra ?? ''}}`;
}

const reject = (status: number, code: string): Expectation => ({ reject: { status, code } });
const invalidJson = reject(400, 'INVALID_JSON');
const invalidField = reject(400, 'VALIDATION_FAILED');
const unsupportedType = reject(415, 'UNSUPPORTED_MEDIA_TYPE');
const tooLarge = reject(413, 'PAYLOAD_TOO_LARGE');
const invalidCursor = reject(400, 'INVALID_CURSOR');
const notFound = reject(404, 'NOT_FOUND');
const published: Expectation = { accept: 'publish' };

/** Builds a publish case whose body text is sent as is over REST and inside superjson's `{"json": ...}` over tRPC. */
function publishCase(name: string, text: string | ((context: CaseContext) => string), expectation: Expectation): HostileCase {
  const bodyOf = typeof text === 'string' ? () => text : text;
  return {
    name,
    expect: expectation,
    requests: {
      rest: (context) => ({ method: 'POST', path: '/events', headers: json, body: bodyOf(context) }),
      trpc: (context) => ({ method: 'POST', path: '/trpc/events.publish', headers: json, body: `{"json":${bodyOf(context)}}` }),
    },
  };
}

/** Builds a publish case whose exact bytes and headers both transports receive unchanged. */
function rawBodyCase(name: string, body: Buffer | string | ((context: CaseContext) => Buffer), headers: Record<string, string>, expectation: Expectation, chunkBytes?: number): HostileCase {
  const bodyOf = typeof body === 'function' ? body : () => body;
  const request = (path: string) => (context: CaseContext): RawRequest => ({ method: 'POST', path, headers, body: bodyOf(context), ...(chunkBytes === undefined ? {} : { chunkBytes }) });
  return { name, expect: expectation, requests: { rest: request('/events'), trpc: request('/trpc/events.publish') } };
}

/** Builds a list case: a raw query string over REST, a JSON input text over tRPC. */
function listCase(name: string, query: string | ((context: CaseContext) => string), input: string | ((context: CaseContext) => string), expectation: Expectation): HostileCase {
  const queryOf = typeof query === 'string' ? () => query : query;
  const inputOf = typeof input === 'string' ? () => input : input;
  return {
    name,
    expect: expectation,
    requests: {
      rest: (context) => ({ method: 'GET', path: `/events?${queryOf(context)}` }),
      trpc: (context) => ({ method: 'GET', path: `/trpc/events.list?input=${encodeURIComponent(`{"json":${inputOf(context)}}`)}` }),
    },
  };
}

/** Builds a get-by-id case: a raw path segment over REST, a JSON id text over tRPC. */
function getCase(name: string, pathSegment: string, idText: string, expectation: Expectation): HostileCase {
  return {
    name,
    expect: expectation,
    requests: {
      rest: () => ({ method: 'GET', path: `/events/${pathSegment}` }),
      trpc: () => ({ method: 'GET', path: `/trpc/events.get?input=${encodeURIComponent(`{"json":{"id":${idText}}}`)}` }),
    },
  };
}

function nested(depth: number, open: string, close: string, inner = '1'): string {
  return open.repeat(depth) + inner + close.repeat(depth);
}

const forgedCursor = `cx_${Buffer.alloc(34, 7).toString('base64url')}`;

/** Malformed and empty bodies, top-level values that are not objects, content types. */
const bodyShapeCases: HostileCase[] = [
  rawBodyCase('malformed JSON: unterminated object', '{"type": "a.b", ', json, invalidJson),
  rawBodyCase('malformed JSON: trailing comma', '{"type": "a.b",}', json, invalidJson),
  rawBodyCase('malformed JSON: single quotes', "{'type': 'a.b'}", json, invalidJson),
  rawBodyCase('malformed JSON: two values', '{} {}', json, invalidJson),
  rawBodyCase('malformed JSON: NaN literal', eventText({ payload: '{"n":NaN}' }), json, invalidJson),
  rawBodyCase('malformed JSON: comment', `/* hi */${eventText()}`, json, invalidJson),
  rawBodyCase('empty body', '', json, invalidJson),
  rawBodyCase('whitespace body', ' \n\t ', json, invalidJson),
  // RFC 8259 section 8.1 lets a parser ignore a leading byte order mark, and this one does.
  {
    name: 'byte order mark before JSON',
    expect: published,
    requests: {
      rest: () => ({ method: 'POST', path: '/events', headers: json, body: `\ufeff${eventText()}` }),
      trpc: () => ({ method: 'POST', path: '/trpc/events.publish', headers: json, body: `\ufeff{"json":${eventText()}}` }),
    },
  },
  publishCase('null body', 'null', invalidField),
  publishCase('array body', `[${eventText()}]`, invalidField),
  publishCase('empty array body', '[]', invalidField),
  publishCase('string body', '"event"', invalidField),
  publishCase('number body', '42', invalidField),
  publishCase('empty object body', '{}', invalidField),
  rawBodyCase('no Content-Type', eventText(), {}, unsupportedType),
  rawBodyCase('text/plain', eventText(), { 'content-type': 'text/plain' }, unsupportedType),
  rawBodyCase('form encoding', 'type=a.b&orgId=org_hostile', { 'content-type': 'application/x-www-form-urlencoded' }, unsupportedType),
  rawBodyCase('multipart', '--x\r\n\r\n{}\r\n--x--', { 'content-type': 'multipart/form-data; boundary=x' }, unsupportedType),
  rawBodyCase('application/jsonx', eventText(), { 'content-type': 'application/jsonx' }, unsupportedType),
  rawBodyCase('JSON in Latin-1', eventText(), { 'content-type': 'application/json; charset=iso-8859-1' }, unsupportedType),
  rawBodyCase('JSON in UTF-16', Buffer.from(eventText(), 'utf16le'), { 'content-type': 'application/json; charset=utf-16' }, unsupportedType),
  rawBodyCase('Content-Type list', eventText(), { 'content-type': 'application/json, text/plain' }, unsupportedType),
];

/** Bodies over the limit, announced and not, and nesting far beyond any sane depth. */
const sizeCases: HostileCase[] = [
  rawBodyCase('body over the limit with Content-Length', (context) => Buffer.from(eventText({ payload: `{"s":"${'x'.repeat(context.maxBodyBytes)}"}` })), json, tooLarge),
  rawBodyCase('body over the limit, chunked', (context) => Buffer.from(eventText({ payload: `{"s":"${'x'.repeat(context.maxBodyBytes)}"}` })), json, tooLarge, 16 * 1024),
  rawBodyCase('Content-Length far over the limit', (context) => Buffer.alloc(context.maxBodyBytes + 1, 0x20), json, tooLarge),
  publishCase('payload nested 20,000 arrays deep', eventText({ payload: `{"a":${nested(20_000, '[', ']')}}` }), invalidField),
  publishCase('payload nested 20,000 objects deep', eventText({ payload: nested(20_000, '{"a":', '}', '{}') }), invalidField),
  rawBodyCase('body nested 20,000 arrays deep', nested(20_000, '[', ']'), json, invalidField),
  publishCase('payload nested 33 levels deep', eventText({ payload: nested(32, '{"a":', '}', '{}') }), invalidField),
  publishCase('huge type', eventText({ type: `"${'a'.repeat(100_000)}"` }), invalidField),
  publishCase('huge orgId', eventText({ orgId: `"org_${'a'.repeat(100_000)}"` }), invalidField),
  publishCase('huge actor name', eventText({ actor: `{"type":"user","id":"u","name":"${'n'.repeat(100_000)}"}` }), invalidField),
  publishCase('huge idempotencyKey', eventText({ extra: `,"idempotencyKey":"${'k'.repeat(10_000)}"` }), invalidField),
  publishCase('huge payload string under the limit', eventText({ payload: `{"s":"${'x'.repeat(100_000)}"}` }), published),
  publishCase('huge payload key under the limit', eventText({ payload: `{"${'k'.repeat(100_000)}":1}` }), published),
];

/** Text that is not well-formed Unicode, control characters and NUL bytes. */
const encodingCases: HostileCase[] = [
  publishCase('lone high surrogate in payload', eventText({ payload: '{"s":"\\ud800"}' }), invalidField),
  publishCase('lone low surrogate in payload key', eventText({ payload: '{"\\udc00":1}' }), invalidField),
  publishCase('lone surrogate in type', eventText({ type: '"a\\ud800"' }), invalidField),
  publishCase('reversed surrogate pair', eventText({ payload: '{"s":"\\udc00\\ud800"}' }), invalidField),
  rawBodyCase('CESU-8 surrogate bytes', Buffer.concat([Buffer.from(eventText().slice(0, -1) + ',"x":"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}')]), json, invalidJson),
  rawBodyCase('invalid UTF-8 byte 0xff', Buffer.concat([Buffer.from('{"type":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]), json, invalidJson),
  rawBodyCase('overlong UTF-8 slash', Buffer.concat([Buffer.from('{"type":"a'), Buffer.from([0xc0, 0xaf]), Buffer.from('"}')]), json, invalidJson),
  rawBodyCase('truncated UTF-8 sequence', Buffer.concat([Buffer.from('{"type":"a'), Buffer.from([0xe2, 0x82])]), json, invalidJson),
  rawBodyCase('raw NUL byte in a string', Buffer.from(eventText({ payload: '{"s":"a\u0000b"}' })), json, invalidJson),
  rawBodyCase('raw NUL byte between tokens', Buffer.from(`${eventText()}\u0000`), json, invalidJson),
  publishCase('escaped NUL in type', eventText({ type: '"a\\u0000b"' }), invalidField),
  publishCase('escaped NUL in orgId', eventText({ orgId: '"org\\u0000x"' }), invalidField),
  publishCase('escaped NUL in actor id', eventText({ actor: '{"type":"user","id":"u\\u0000"}' }), invalidField),
  publishCase('escaped NUL in payload', eventText({ payload: '{"s":"a\\u0000b","\\u0000":0}' }), published),
  publishCase('raw control character in a string', eventText({ payload: '{"s":"a\u0001b"}' }), invalidJson),
];

/** Numbers that a 64-bit float cannot hold exactly. */
const numberCases: HostileCase[] = [
  publishCase('integer 2^53 + 1', eventText({ payload: '{"n":9007199254740993}' }), invalidField),
  publishCase('negative integer beyond 2^53', eventText({ payload: '{"n":-9007199254740993}' }), invalidField),
  publishCase('20-digit integer', eventText({ payload: '{"n":12345678901234567890}' }), invalidField),
  publishCase('1e400', eventText({ payload: '{"n":1e400}' }), invalidField),
  publishCase('-1e400', eventText({ payload: '{"n":-1e400}' }), invalidField),
  publishCase('number as type', eventText({ type: '1e400' }), invalidField),
  publishCase('Infinity literal', eventText({ payload: '{"n":Infinity}' }), invalidJson),
  publishCase('hex literal', eventText({ payload: '{"n":0x10}' }), invalidJson),
  publishCase('leading zeros', eventText({ payload: '{"n":007}' }), invalidJson),
  publishCase('2^53 - 1 exactly', eventText({ payload: '{"n":9007199254740991,"m":-9007199254740991}' }), published),
];

/**
 * Duplicate keys, and keys that name prototype members: data inside `payload`, unknown fields
 * anywhere else.
 */
const keyCases: HostileCase[] = [
  publishCase('duplicate top-level type', eventText({ extra: ',"type":"other.type"' }), invalidField),
  publishCase('duplicate key in payload', eventText({ payload: '{"a":1,"a":2}' }), invalidField),
  publishCase('duplicate key deep in payload', eventText({ payload: '{"a":{"b":[{"c":1,"c":1}]}}' }), invalidField),
  publishCase('duplicate key in actor', eventText({ actor: '{"type":"user","id":"a","id":"b"}' }), invalidField),
  publishCase('duplicate escaped key', eventText({ payload: '{"a":1,"\\u0061":2}' }), invalidField),
  publishCase('constructor at top level', eventText({ extra: ',"constructor":{"prototype":{"polluted":true}}' }), invalidField),
  publishCase('prototype at top level', eventText({ extra: ',"prototype":{}' }), invalidField),
  publishCase('__proto__ at top level', eventText({ extra: ',"__proto__":{"polluted":true}' }), invalidField),
  publishCase('__proto__ in actor', eventText({ actor: '{"type":"user","id":"u","__proto__":{"polluted":true}}' }), invalidField),
  publishCase('__proto__ in payload', eventText({ payload: '{"__proto__":{"polluted":true}}' }), published),
  publishCase('constructor in payload', eventText({ payload: '{"constructor":{"prototype":{"polluted":true}}}' }), published),
  publishCase('prototype in payload', eventText({ payload: '{"prototype":1}' }), published),
  publishCase('__proto__ nested in payload', eventText({ payload: '{"a":[{"__proto__":{"polluted":true}}]}' }), published),
  listCase('__proto__ list parameter', '__proto__=1', '{"__proto__":{"limit":1}}', invalidField),
];

/** SQL-looking text where the ledger builds queries. */
const injectionCases: HostileCase[] = [
  publishCase('SQL in type', eventText({ type: `"x'; DROP TABLE ledger_events; --"` }), invalidField),
  publishCase('SQL boolean in type', eventText({ type: `"a.b' OR '1'='1"` }), invalidField),
  publishCase('SQL in orgId', eventText({ orgId: `"org' OR 1=1 --"` }), invalidField),
  listCase('SQL in type filter', `type=${encodeURIComponent("' OR '1'='1")}`, `{"type":"' OR '1'='1"}`, invalidField),
  listCase('SQL in cursor', `cursor=${encodeURIComponent("' OR 1=1 --")}`, `{"cursor":"' OR 1=1 --"}`, invalidCursor),
  listCase('SQL in orgId filter', `orgId=${encodeURIComponent("x' OR 'a'='a")}`, `{"orgId":"x' OR 'a'='a"}`, invalidField),
  listCase('SQL in actorId filter', `actorId=${encodeURIComponent("' OR 1=1; DROP TABLE ledger_events; --")}`, `{"actorId":"' OR 1=1; DROP TABLE ledger_events; --"}`, { accept: 'read' }),
  listCase('SQL-like type that is a valid handle', 'type=DROP.TABLE.ledger_events', '{"type":"DROP.TABLE.ledger_events"}', { accept: 'read' }),
];

/** Cursors that this server did not issue for this query. */
const cursorCases: HostileCase[] = [
  listCase('forged cursor', `cursor=${forgedCursor}`, `{"cursor":"${forgedCursor}"}`, invalidCursor),
  listCase('cursor without prefix', 'cursor=abc', '{"cursor":"abc"}', invalidCursor),
  listCase('cursor of bare prefix', 'cursor=cx_', '{"cursor":"cx_"}', invalidCursor),
  listCase('cursor with padding junk', 'cursor=cx_%3D%3D%3D%3D', '{"cursor":"cx_===="}', invalidCursor),
  listCase('oversized cursor', `cursor=cx_${'A'.repeat(10_000)}`, `{"cursor":"cx_${'A'.repeat(10_000)}"}`, invalidField),
  listCase('cursor just over the length limit', `cursor=cx_${'A'.repeat(254)}`, `{"cursor":"cx_${'A'.repeat(254)}"}`, invalidField),
  listCase('cursor of other filters', (context) => `type=hostile.seed.b&limit=1&cursor=${context.cursorForTypeA}`, (context) => `{"type":"hostile.seed.b","limit":1,"cursor":"${context.cursorForTypeA}"}`, invalidCursor),
  listCase('cursor of other order', (context) => `type=hostile.seed.a&limit=1&order=desc&cursor=${context.cursorForTypeA}`, (context) => `{"type":"hostile.seed.a","limit":1,"order":"desc","cursor":"${context.cursorForTypeA}"}`, invalidCursor),
  listCase('cursor with one character changed', (context) => `type=hostile.seed.a&limit=1&cursor=${flipLast(context.cursorForTypeA)}`, (context) => `{"type":"hostile.seed.a","limit":1,"cursor":"${flipLast(context.cursorForTypeA)}"}`, invalidCursor),
  listCase('empty cursor', 'cursor=', '{"cursor":""}', invalidCursor),
];

/** Page sizes that are not integers from 1 to 500. */
const limitCases: HostileCase[] = [
  listCase('limit empty', 'limit=', '{"limit":""}', invalidField),
  listCase('limit 0', 'limit=0', '{"limit":0}', invalidField),
  listCase('limit -1', 'limit=-1', '{"limit":-1}', invalidField),
  listCase('limit 2.5', 'limit=2.5', '{"limit":2.5}', invalidField),
  listCase('limit abc', 'limit=abc', '{"limit":"abc"}', invalidField),
  listCase('limit repeated', 'limit=1&limit=2', '{"limit":1,"limit":2}', invalidField),
  listCase('limit 501', 'limit=501', '{"limit":501}', invalidField),
  listCase('limit 1e2', 'limit=1e2', '{"limit":"1e2"}', invalidField),
  listCase('limit beyond 2^53', 'limit=9007199254740993', '{"limit":9007199254740993}', invalidField),
  listCase('limit as array', 'limit[]=1', '{"limit":[1]}', invalidField),
  listCase('unknown parameter', 'limits=5', '{"limits":5}', invalidField),
];

/** Event ids that try path traversal, encoding tricks and junk. */
const idCases: HostileCase[] = [
  getCase('id with ../', '..%2F..%2Fetc%2Fpasswd', '"../../etc/passwd"', notFound),
  getCase('id of dot segments', '%2E%2E', '".."', notFound),
  getCase('id with invalid percent-encoding', '%ZZ%', '"%ZZ%"', notFound),
  getCase('id with encoded NUL', 'evt_%00', '"evt_\\u0000"', notFound),
  getCase('id with invalid UTF-8 escapes', 'evt_%C0%AF%FF', '"evt_\\u00c0\\u00af"', notFound),
  getCase('id with encoded emoji', '%F0%9F%98%80', '"\\ud83d\\ude00"', notFound),
  getCase('id with SQL', `evt_'%20OR%20'1'%3D'1`, `"evt_' OR '1'='1"`, notFound),
  getCase('over-long id', `evt_${'a'.repeat(200)}`, `"evt_${'a'.repeat(200)}"`, invalidField),
];

/** Requests a transport does not serve. */
const methodCases: HostileCase[] = [
  {
    name: 'wrong method',
    expect: reject(405, 'METHOD_NOT_ALLOWED'),
    requests: {
      rest: () => ({ method: 'PUT', path: '/events', headers: json, body: eventText() }),
      trpc: () => ({ method: 'GET', path: `/trpc/events.publish?input=${encodeURIComponent(`{"json":${eventText()}}`)}` }),
    },
  },
  {
    name: 'unknown route',
    expect: notFound,
    requests: {
      rest: () => ({ method: 'POST', path: '/events/evt_x/children', headers: json, body: eventText() }),
      trpc: () => ({ method: 'POST', path: '/trpc/events.remove', headers: json, body: `{"json":${eventText()}}` }),
    },
  },
];

/** Builds a tRPC publish case whose body carries superjson `meta`, which the typed client never sends for plain JSON. */
function superjsonCase(name: string, meta: string, expectation: Expectation): HostileCase {
  const body = `{"json":${eventText({ payload: '{"a":"2020-01-01"}' })},"meta":${meta}}`;
  return { name, expect: expectation, requests: { trpc: () => ({ method: 'POST', path: '/trpc/events.publish', headers: json, body }) } };
}

/** superjson annotations that turn payload values into non-JSON types or point at nothing. */
const superjsonMetaCases: HostileCase[] = [
  superjsonCase('meta turning a value into a Date', '{"values":{"payload.a":["Date"]}}', invalidField),
  superjsonCase('meta turning a value into a BigInt', '{"values":{"payload.a":["bigint"]}}', invalidJson),
  superjsonCase('meta naming an unknown class', '{"values":{"payload.a":[["class","Nope"]]}}', invalidJson),
  superjsonCase('meta naming an unknown custom type', '{"values":{"payload.a":[["custom","Nope"]]}}', invalidJson),
  superjsonCase('meta turning a value into undefined', '{"values":{"payload.a":["undefined"]}}', invalidField),
  superjsonCase('meta turning a value into a Set', '{"values":{"payload.a":["set"]}}', invalidField),
  superjsonCase('meta turning a value into NaN', '{"values":{"payload.a":["number"]}}', invalidField),
  superjsonCase('meta with a __proto__ path', '{"values":{"payload.__proto__":["Date"]}}', invalidJson),
  superjsonCase('meta turning an object into a Map', '{"values":{"payload":["map"]}}', invalidJson),
  superjsonCase('meta with a referential equality', '{"referentialEqualities":{"payload":["actor"]}}', invalidField),
  superjsonCase('meta values as a string', '{"values":"x"}', invalidJson),
  superjsonCase('meta values as an array', '{"values":[["Date"]]}', invalidJson),
  superjsonCase('meta with an unknown version', '{"v":99,"values":{"payload.a":["Date"]}}', invalidField),
];

/** Every case of the suite, by group. */
export const hostileCaseGroups: Record<string, HostileCase[]> = {
  'body shape and content type': bodyShapeCases,
  'size and depth': sizeCases,
  'encoding': encodingCases,
  'numbers': numberCases,
  'keys': keyCases,
  'injection': injectionCases,
  'cursors': cursorCases,
  'limits': limitCases,
  'ids': idCases,
  'methods': methodCases,
  'superjson meta': superjsonMetaCases,
};

function flipLast(cursor: string): string {
  const last = cursor.at(-2) === 'A' ? 'B' : 'A';
  return cursor.slice(0, -2) + last + cursor.slice(-1);
}
