import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalize } from '../../src/ledger/canonical-json';
import { startTestServer, type TestServer } from '../support/start-test-server';
import { expectNoInternals } from '../support/api-helpers';
import { expectFailure, send, successData, type ApiResponse } from '../auth/support/api-calls';
import { createKey } from '../auth/support/create-key';
import { hostileCaseGroups, type CaseContext, type HostileCase, type Transport } from './support/hostile-cases';
import { countRows, expectChainVerifies, expectServerAlive } from './support/ledger-state';
import { sendRaw, type RawRequest } from './support/raw-request';

const maxBodyBytes = 256 * 1024;
const transports: Transport[] = ['rest', 'trpc'];
const authModes = [{ auth: 'off' as const }, { auth: 'required' as const }];

interface Target {
  server: TestServer;
  key: string | undefined;
  context: CaseContext;
}

/** Starts a server for the suite, with a key for org_hostile when auth is required, and seeds events for cursor cases. */
async function startTarget(auth: 'off' | 'required'): Promise<Target> {
  const server = await startTestServer({ auth, maxBodyBytes });
  const key = auth === 'required' ? (await createKey(server, 'org_hostile')).key : undefined;
  const authorization: Record<string, string> = key === undefined ? {} : { authorization: `Bearer ${key}` };
  for (const type of ['hostile.seed.a', 'hostile.seed.a', 'hostile.seed.b', 'hostile.seed.b']) {
    const body = JSON.stringify({ type, actor: { type: 'user', id: 'usr_seed' }, payload: {}, orgId: 'org_hostile' });
    await send(server.url, '/events', { method: 'POST', headers: { 'content-type': 'application/json', ...authorization }, body });
  }
  const page = successData<{ nextCursor: string }>(await send(server.url, '/events?type=hostile.seed.a&limit=1', { headers: authorization }));
  return { server, key, context: { cursorForTypeA: page.nextCursor, maxBodyBytes } };
}

function withKey(request: RawRequest, key: string | undefined): RawRequest {
  if (key === undefined) return request;
  return { ...request, headers: { ...request.headers, authorization: `Bearer ${key}` } };
}

/** Sends one case and checks the outcome, the rows written, the chain and the server's health. */
async function runCase(target: Target, hostile: HostileCase, transport: Transport): Promise<void> {
  const { server } = target;
  const before = countRows(server.databasePath);
  const request = withKey(hostile.requests[transport]!(target.context), target.key);

  const response = await sendRaw(server.url, request);

  expect(response.status, response.text.slice(0, 300)).toBeLessThan(500);
  expectNoInternals(response.text);
  if ('reject' in hostile.expect) {
    expectFailure(response, hostile.expect.reject.status, hostile.expect.reject.code);
    expect(countRows(server.databasePath)).toEqual(before);
  } else if (hostile.expect.accept === 'publish') {
    await expectPublishedAsSent(target, request, response, transport);
    expect(countRows(server.databasePath).ledger_events).toBe(before.ledger_events! + 1);
  } else {
    expect(response.status, response.text.slice(0, 300)).toBe(200);
    expect(countRows(server.databasePath)).toEqual(before);
  }
  await expectChainVerifies(server);
  await expectServerAlive(server.url);
  expect(Object.prototype).not.toHaveProperty('polluted');
}

/** Checks an accepted publish: the right status, and the event reads back with the payload that was sent. */
async function expectPublishedAsSent(target: Target, request: RawRequest, response: ApiResponse, transport: Transport): Promise<void> {
  expect(response.status, response.text.slice(0, 300)).toBe(transport === 'rest' ? 201 : 200);
  const sentText = request.body!.toString().replace(/^\ufeff/, '');
  const sent = (transport === 'rest' ? JSON.parse(sentText) : (JSON.parse(sentText) as { json: unknown }).json) as { payload: unknown };
  const event = successData<{ id: string }>(response);
  const headers: Record<string, string> = target.key === undefined ? {} : { authorization: `Bearer ${target.key}` };
  const readBack = await send(target.server.url, `/events/${event.id}`, { headers });
  expect(readBack.status).toBe(200);
  const stored = (JSON.parse(readBack.text) as { data: { payload: unknown } }).data.payload;
  expect(canonicalize(stored)).toBe(canonicalize(sent.payload));
}

describe.each(authModes)('hostile input with AUTH=$auth', ({ auth }) => {
  let target: Target;

  beforeAll(async () => {
    target = await startTarget(auth);
  });

  afterAll(async () => {
    await target.server.stop();
  });

  for (const [group, cases] of Object.entries(hostileCaseGroups)) {
    describe(group, () => {
      for (const transport of transports) {
        const applicable = cases.filter((hostile) => hostile.requests[transport] !== undefined);
        if (applicable.length > 0) it.each(applicable)(`$name over ${transport}`, (hostile) => runCase(target, hostile, transport));
      }
    });
  }
});
