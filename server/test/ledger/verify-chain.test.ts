import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalize } from '../../src/ledger/canonical-json';
import { computeEventHash, genesisHash } from '../../src/ledger/event-hash';
import { verifyChain, type BrokenChain, type VerifiedChain } from '../../src/ledger/verify-chain';
import { LedgerFileError, openLedgerForVerification } from '../../src/storage/sqlite/open-ledger-for-verification';
import { formatVerifyResult, verifyLedgerFile } from '../../src/verify-ledger-file';
import { copyLedger, createLedger, newEvent, readRows, runVerifyScript, withRawConnection, type LedgerRow } from '../support/ledger-files';

/** Organisation of each event in append order: three interleaved chains. */
const organisations = ['org_a', 'org_b', 'org_a', 'org_c', 'org_a', 'org_b', 'org_a', 'org_c', 'org_b', 'org_a', 'org_a', 'org_b'];

let folder: string;
let template: string;
let rows: LedgerRow[];
let copies = 0;

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'verify-chain-test-'));
  template = join(folder, 'template.db');
  await createLedger(
    template,
    organisations.map((orgId, index) => newEvent(orgId, { index, note: `event ${index}` })),
  );
  rows = readRows(template);
});

afterAll(() => {
  rmSync(folder, { recursive: true, force: true });
});

/** Copies the template ledger and applies `change` to the copy through a raw connection. */
function ledgerCopy(change?: (connection: import('better-sqlite3').Database) => void): string {
  copies += 1;
  const path = copyLedger(template, join(folder, `copy-${copies}.db`));
  if (change !== undefined) withRawConnection(path, change);
  return path;
}

function dropTriggers(connection: import('better-sqlite3').Database): void {
  connection.exec('drop trigger ledger_events_no_update; drop trigger ledger_events_no_delete;');
}

async function expectBroken(path: string): Promise<BrokenChain> {
  const result = await verifyLedgerFile(path);
  expect(result.ok).toBe(false);
  return result as BrokenChain;
}

/** Returns the row of the n-th event (1-based) of an organisation. */
function rowOf(orgId: string, nth: number): LedgerRow {
  return rows.filter((row) => row.org_id === orgId)[nth - 1]!;
}

describe('verifyChain on an untouched ledger', () => {
  let result: VerifiedChain;

  beforeAll(async () => {
    result = (await verifyLedgerFile(ledgerCopy())) as VerifiedChain;
  });

  it('reports ok', () => {
    expect(result.ok).toBe(true);
  });

  it('counts events and organisations', () => {
    expect(result.events).toBe(organisations.length);
    expect(result.organisations).toBe(3);
  });

  it('returns the head of each organisation', () => {
    expect(result.heads).toEqual({
      org_a: rowOf('org_a', 6).hash,
      org_b: rowOf('org_b', 4).hash,
      org_c: rowOf('org_c', 2).hash,
    });
  });

  it('returns the hash of the newest event as head', () => {
    expect(result.head).toBe(rows[rows.length - 1]!.hash);
  });

  it('starts each chain at the genesis value', () => {
    expect(rowOf('org_a', 1).prev_hash).toBe(genesisHash);
    expect(rowOf('org_b', 1).prev_hash).toBe(genesisHash);
    expect(rowOf('org_c', 1).prev_hash).toBe(genesisHash);
  });

  it('gives the same result for every batch size', async () => {
    const path = ledgerCopy();
    for (const batchSize of [1, 2, 5, 11, 12, 13, 1000]) {
      expect(await verifyLedgerFile(path, { batchSize })).toEqual(result);
    }
  });

  it('formats the result as one ok line', () => {
    expect(formatVerifyResult(result)).toBe(`ok: 12 events, 3 organisations, head ${result.head}`);
  });
});

describe('verifyChain edge cases', () => {
  it('reports an empty ledger as ok', async () => {
    const path = join(folder, 'empty.db');
    await createLedger(path, []);
    const result = await verifyLedgerFile(path);
    expect(result).toEqual({ ok: true, events: 0, organisations: 0, heads: {}, head: null });
  });

  it('formats an empty ledger', () => {
    expect(formatVerifyResult({ ok: true, events: 0, organisations: 0, heads: {}, head: null })).toBe(
      'ok: 0 events, 0 organisations, head none (the ledger is empty)',
    );
  });

  it('rejects a batch size of 0', async () => {
    await expect(verifyChain({ readChain: async () => [] }, { batchSize: 0 })).rejects.toThrow(RangeError);
  });
});

describe('verifyChain on a changed ledger', () => {
  it('reports an edited payload at its sequence', async () => {
    const target = rows[6]!;
    const path = ledgerCopy((connection) => {
      dropTriggers(connection);
      connection.prepare('update ledger_events set payload = ? where seq = ?').run('{"index":6,"note":"edited"}', target.seq);
    });
    const result = await expectBroken(path);
    expect(result.seq).toBe(target.seq);
    expect(result.eventId).toBe(target.id);
    expect(result.orgId).toBe(target.org_id);
    expect(result.events).toBe(target.seq - 1);
    expect(result.reason).toMatch(/^hash mismatch/);
  });

  it('reports an edited actor', async () => {
    const target = rows[2]!;
    const path = ledgerCopy((connection) => {
      dropTriggers(connection);
      connection.prepare('update ledger_events set actor = ? where seq = ?').run('{"id":"usr_other","type":"user"}', target.seq);
    });
    const result = await expectBroken(path);
    expect(result.seq).toBe(target.seq);
    expect(result.reason).toMatch(/^hash mismatch/);
  });

  const editedValues: Record<string, string> = { type: 'other.type', timestamp: '2020-01-01T00:00:00.000Z', id: 'evt_00000000000000000000000000' };
  for (const [column, value] of Object.entries(editedValues)) {
    it(`reports an edited ${column}`, async () => {
      const target = rows[4]!;
      const path = ledgerCopy((connection) => {
        dropTriggers(connection);
        connection.prepare(`update ledger_events set ${column} = ? where seq = ?`).run(value, target.seq);
      });
      const result = await expectBroken(path);
      expect(result.seq).toBe(target.seq);
      expect(result.reason).toMatch(/^hash mismatch/);
    });
  }

  it('reports an edited hash column', async () => {
    const target = rowOf('org_b', 4);
    const path = ledgerCopy((connection) => {
      dropTriggers(connection);
      connection.prepare('update ledger_events set hash = ? where seq = ?').run('f'.repeat(64), target.seq);
    });
    const result = await expectBroken(path);
    expect(result.seq).toBe(target.seq);
    expect(result.reason).toMatch(/^hash mismatch/);
  });

  it('reports a removed event at the next event of its organisation', async () => {
    const removed = rowOf('org_a', 3);
    const next = rowOf('org_a', 4);
    const path = ledgerCopy((connection) => {
      dropTriggers(connection);
      connection.prepare('delete from ledger_events where seq = ?').run(removed.seq);
    });
    const result = await expectBroken(path);
    expect(result.seq).toBe(next.seq);
    expect(result.eventId).toBe(next.id);
    expect(result.reason).toContain('removed, inserted or reordered');
    expect(result.events).toBe(next.seq - 2);
  });

  it('reports two swapped events at the first of them', async () => {
    const first = rowOf('org_b', 2);
    const second = rowOf('org_b', 3);
    const path = ledgerCopy((connection) => {
      dropTriggers(connection);
      const move = connection.prepare('update ledger_events set seq = ? where seq = ?');
      move.run(-1, first.seq);
      move.run(first.seq, second.seq);
      move.run(second.seq, -1);
    });
    const result = await expectBroken(path);
    expect(result.seq).toBe(first.seq);
    expect(result.eventId).toBe(second.id);
    expect(result.reason).toMatch(/^prev_hash/);
  });

  it('reports an event moved to another organisation', async () => {
    const target = rowOf('org_c', 2);
    const path = ledgerCopy((connection) => {
      dropTriggers(connection);
      connection.prepare('update ledger_events set org_id = ? where seq = ?').run('org_b', target.seq);
    });
    const result = await expectBroken(path);
    expect(result.seq).toBe(target.seq);
    expect(result.orgId).toBe('org_b');
    expect(result.reason).toMatch(/^prev_hash/);
  });

  it('reports an organisation whose first event is missing', async () => {
    const removed = rowOf('org_c', 1);
    const next = rowOf('org_c', 2);
    const path = ledgerCopy((connection) => {
      dropTriggers(connection);
      connection.prepare('delete from ledger_events where seq = ?').run(removed.seq);
    });
    const result = await expectBroken(path);
    expect(result.seq).toBe(next.seq);
    expect(result.reason).toContain('genesis value');
  });

  it('reports unparsable payload JSON', async () => {
    const target = rows[3]!;
    const path = ledgerCopy((connection) => {
      dropTriggers(connection);
      connection.prepare('update ledger_events set payload = ? where seq = ?').run('{"index":', target.seq);
    });
    const result = await expectBroken(path);
    expect(result.seq).toBe(target.seq);
    expect(result.reason).toMatch(/^unparsable JSON in the payload column/);
  });

  it('reports a duplicate key in stored JSON', async () => {
    const target = rows[3]!;
    const path = ledgerCopy((connection) => {
      dropTriggers(connection);
      connection.prepare('update ledger_events set payload = ? where seq = ?').run('{"index":3,"index":3}', target.seq);
    });
    const result = await expectBroken(path);
    expect(result.reason).toMatch(/^unparsable JSON in the payload column: duplicate key/);
  });

  it('reports a payload rewritten in another form', async () => {
    const target = rows[8]!;
    const spaced = JSON.stringify(JSON.parse(target.payload), null, 1);
    const path = ledgerCopy((connection) => {
      dropTriggers(connection);
      connection.prepare('update ledger_events set payload = ? where seq = ?').run(spaced, target.seq);
    });
    const result = await expectBroken(path);
    expect(result.seq).toBe(target.seq);
    expect(result.reason).toContain('not in canonical form');
  });

  it('formats a break with sequence, id and reason', async () => {
    const target = rows[6]!;
    const path = ledgerCopy((connection) => {
      dropTriggers(connection);
      connection.prepare('update ledger_events set payload = ? where seq = ?').run('{}', target.seq);
    });
    const line = formatVerifyResult(await expectBroken(path));
    expect(line).toMatch(new RegExp(`^chain broken at seq ${target.seq}, event ${target.id}, organisation ${target.org_id}: hash mismatch`));
    expect(line).toContain(`(${target.seq - 1} events verified before it)`);
  });
});

describe('verifyChain limits', () => {
  it('misses removal of the newest event, but the head changes', async () => {
    const newest = rows[rows.length - 1]!;
    const path = ledgerCopy((connection) => {
      dropTriggers(connection);
      connection.prepare('delete from ledger_events where seq = ?').run(newest.seq);
    });
    const result = await verifyLedgerFile(path);
    expect(result.ok).toBe(true);
    expect((result as VerifiedChain).heads[newest.org_id]).not.toBe(newest.hash);
  });

  it('misses a tail rewritten with new hashes, but the head changes', async () => {
    const target = rowOf('org_c', 2);
    const payload = canonicalize({ rewritten: true });
    const hash = computeEventHash(target.prev_hash, { ...target, orgId: target.org_id, payload });
    const path = ledgerCopy((connection) => {
      dropTriggers(connection);
      connection.prepare('update ledger_events set payload = ?, hash = ? where seq = ?').run(payload, hash, target.seq);
    });
    const result = await verifyLedgerFile(path);
    expect(result.ok).toBe(true);
    expect((result as VerifiedChain).heads['org_c']).toBe(hash);
    expect(hash).not.toBe(target.hash);
  });
});

describe('database guards', () => {
  it('rejects UPDATE through a raw connection', () => {
    const path = ledgerCopy();
    withRawConnection(path, (connection) => {
      expect(() => connection.prepare('update ledger_events set payload = ? where seq = 1').run('{}')).toThrow(/append-only: UPDATE is not allowed/);
    });
  });

  it('rejects DELETE through a raw connection', () => {
    const path = ledgerCopy();
    withRawConnection(path, (connection) => {
      expect(() => connection.prepare('delete from ledger_events where seq = 1').run()).toThrow(/append-only: DELETE is not allowed/);
    });
  });

  it('rejects a forked insert with UNIQUE(org_id, prev_hash)', () => {
    const path = ledgerCopy();
    const parent = rowOf('org_a', 2);
    withRawConnection(path, (connection) => {
      const insert = connection.prepare(
        'insert into ledger_events (id, org_id, type, actor_id, actor, payload, timestamp, prev_hash, hash) values (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      );
      const fork = () => insert.run('evt_fork', 'org_a', 'fork', 'usr_fork', '{}', '{}', parent.timestamp, parent.hash, 'a'.repeat(64));
      expect(fork).toThrow(/UNIQUE constraint failed: ledger_events\.org_id, ledger_events\.prev_hash/);
    });
  });

  it('leaves the ledger unchanged after rejected writes', async () => {
    const path = ledgerCopy((connection) => {
      expect(() => connection.exec('update ledger_events set payload = \'{}\'')).toThrow();
      expect(() => connection.exec('delete from ledger_events')).toThrow();
    });
    expect((await verifyLedgerFile(path)).ok).toBe(true);
  });
});

describe('openLedgerForVerification', () => {
  it('rejects a missing file without creating it', () => {
    const path = join(folder, 'missing', 'events.db');
    expect(() => openLedgerForVerification(path)).toThrow(LedgerFileError);
    expect(() => openLedgerForVerification(path)).toThrow(`database file ${path} does not exist`);
    expect(existsSync(join(folder, 'missing'))).toBe(false);
  });

  it('rejects a file that is not a database', () => {
    const path = join(folder, 'notes.txt');
    writeFileSync(path, 'not a database, just some text that is long enough to have a header '.repeat(10));
    expect(() => openLedgerForVerification(path)).toThrow(/is not an event ledger database/);
  });

  it('rejects an empty file', () => {
    const path = join(folder, 'empty-file.db');
    writeFileSync(path, '');
    expect(() => openLedgerForVerification(path)).toThrow(/is not an event ledger database \(no such table/);
  });

  it('rejects a directory', () => {
    const path = join(folder, 'a-directory');
    mkdirSync(path);
    expect(() => openLedgerForVerification(path)).toThrow(/is not a file/);
  });

  it('never writes to the ledger', async () => {
    const path = ledgerCopy();
    const ledger = openLedgerForVerification(path);
    try {
      expect((await ledger.readChain(0, 100)).length).toBe(organisations.length);
    } finally {
      ledger.close();
    }
    expect(readRows(path)).toEqual(rows);
  });
});

// Each test starts a Node process, so they run in parallel. The exit codes 0 and 1 on a
// published and a tampered ledger are checked in concurrency.test.ts.
describe.concurrent('scripts/verify.ts', () => {
  let edited: LedgerRow;
  let tampered: string;

  beforeAll(() => {
    edited = rows[4]!;
    tampered = ledgerCopy((connection) => {
      dropTriggers(connection);
      connection.prepare('update ledger_events set payload = ? where seq = ?').run('{"index":4,"note":"tampered"}', edited.seq);
    });
  });

  it('reads DATABASE_PATH without an argument', async ({ expect }) => {
    const run = await runVerifyScript([], { DATABASE_PATH: tampered });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`chain broken at seq ${edited.seq}, event ${edited.id}`);
  });

  it('exits 2 for a missing file', async ({ expect }) => {
    const path = join(folder, 'nowhere', 'events.db');
    const run = await runVerifyScript([path]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`database file ${path} does not exist`);
    expect(existsSync(join(folder, 'nowhere'))).toBe(false);
  });

  it('exits 2 for two arguments', async ({ expect }) => {
    const run = await runVerifyScript([tampered, tampered]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('usage: npm run verify');
  });
});
