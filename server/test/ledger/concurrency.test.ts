import { copyFileSync, existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { genesisHash } from '../../src/ledger/event-hash';
import { verifyChain, type BrokenChain, type VerifiedChain } from '../../src/ledger/verify-chain';
import { verifyLedgerFile } from '../../src/verify-ledger-file';
import { eventInput, postJson, type ApiEvent } from '../support/api-helpers';
import { readRows, runVerifyScript, withRawConnection, type LedgerRow } from '../support/ledger-files';
import { startTestServer, type TestServer } from '../support/start-test-server';

const publishCount = 200;
const organisations = ['org_north', 'org_south', 'org_east'];

let server: TestServer;
let statuses: number[];
let published: ApiEvent[];
let liveResult: VerifiedChain;
let rows: LedgerRow[];
/** Copy of the database after the server closed, before anything changed it. */
let intactPath: string;
/** The event whose payload is edited in the server's database file. */
let target: LedgerRow;

beforeAll(async () => {
  server = await startTestServer();
  const responses = await Promise.all(
    Array.from({ length: publishCount }, (_, index) =>
      postJson(server.url, '/events', JSON.stringify(eventInput('concurrent.publish', organisations[index % 3]!, { index }))),
    ),
  );
  statuses = responses.map((response) => response.status);
  published = responses.map((response) => (response.body as { data: ApiEvent }).data);
  liveResult = (await verifyChain(server.store)) as VerifiedChain;

  await server.close();
  expect(existsSync(`${server.databasePath}-wal`)).toBe(false);
  intactPath = `${server.databasePath}.intact`;
  copyFileSync(server.databasePath, intactPath);
  rows = readRows(server.databasePath);

  target = rows[136]!;
  withRawConnection(server.databasePath, (connection) => {
    connection.exec('drop trigger ledger_events_no_update');
    connection.prepare('update ledger_events set payload = ? where seq = ?').run('{"index":-1}', target.seq);
  });
});

afterAll(async () => {
  await server.stop();
});

describe('200 concurrent publishes', () => {
  it('all answer 201', () => {
    expect(statuses.filter((status) => status === 201)).toHaveLength(publishCount);
  });

  it('get distinct ids', () => {
    expect(new Set(published.map((event) => event.id)).size).toBe(publishCount);
  });

  it('produce one unbroken chain per organisation', () => {
    expect(liveResult.ok).toBe(true);
    expect(liveResult.events).toBe(publishCount);
    expect(liveResult.organisations).toBe(3);
  });

  it('link each event to the previous of its organisation', () => {
    for (const orgId of organisations) {
      const chain = rows.filter((row) => row.org_id === orgId);
      expect(chain).toHaveLength(Math.ceil((publishCount - organisations.indexOf(orgId)) / 3));
      expect(chain[0]!.prev_hash).toBe(genesisHash);
      for (let index = 1; index < chain.length; index++) {
        expect(chain[index]!.prev_hash).toBe(chain[index - 1]!.hash);
      }
      expect(liveResult.heads[orgId]).toBe(chain[chain.length - 1]!.hash);
    }
  });

  it('store sequences without gaps', () => {
    expect(rows.map((row) => row.seq)).toEqual(Array.from({ length: publishCount }, (_, index) => index + 1));
  });

  it('keep timestamps in ledger order', () => {
    const timestamps = rows.map((row) => row.timestamp);
    expect(timestamps).toEqual([...timestamps].sort());
  });

  it('keep ids in ledger order', () => {
    const ids = rows.map((row) => row.id);
    expect(ids).toEqual([...ids].sort());
  });

  it('store what each 201 returned', () => {
    const byId = new Map(rows.map((row) => [row.id, row]));
    for (const event of published) {
      const row = byId.get(event.id)!;
      expect(row.org_id).toBe(event.orgId);
      expect(JSON.parse(row.payload)).toEqual(event.payload);
      expect(row.timestamp).toBe(event.timestamp);
    }
  });
});

describe('a payload edited through a raw connection', () => {
  let result: BrokenChain;

  beforeAll(async () => {
    result = (await verifyLedgerFile(server.databasePath)) as BrokenChain;
  });

  it('breaks verification', () => {
    expect(result.ok).toBe(false);
  });

  it('is reported at exactly its sequence', () => {
    expect(result.seq).toBe(target.seq);
    expect(result.eventId).toBe(target.id);
    expect(result.orgId).toBe(target.org_id);
  });

  it('is reported as a hash mismatch', () => {
    expect(result.reason).toMatch(/^hash mismatch/);
    expect(result.events).toBe(target.seq - 1);
  });
});

// Each test starts a Node process, so they run in parallel.
describe.concurrent('npm run verify as a child process', () => {
  it('exits 0 on the published ledger', async ({ expect }) => {
    const run = await runVerifyScript([intactPath]);
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe(`ok: ${publishCount} events, 3 organisations, head ${rows[rows.length - 1]!.hash}`);
  });

  it('exits 1 on the edited ledger', async ({ expect }) => {
    const run = await runVerifyScript([server.databasePath]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`chain broken at seq ${target.seq}, event ${target.id}, organisation ${target.org_id}: hash mismatch`);
  });
});
