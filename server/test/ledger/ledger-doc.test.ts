import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { limits } from '../../../contracts';
import { canonicalize } from '../../src/ledger/canonical-json';
import { canonicalEventJson, computeEventHash, genesisHash, type EventParts } from '../../src/ledger/event-hash';
import { maxRequestDepth } from '../../src/http/parse-json-body';
import { repositoryRoot } from '../support/ledger-files';

const ledgerDoc = readFileSync(join(repositoryRoot, 'docs/ledger.md'), 'utf8');

interface WorkedExample {
  event: { id: string; type: string; actor: unknown; payload: unknown; orgId: string; timestamp: string };
  prevHash: string;
  canonicalJson: string;
  hash: string;
}

/** Reads the worked examples: each is a json block, a prev_hash line, a text block and a hash line, in that order. */
function readWorkedExamples(markdown: string): WorkedExample[] {
  const section = markdown.slice(markdown.indexOf('## Worked example'), markdown.indexOf('### Recomputing a hash'));
  const pattern = /```json\n([\s\S]*?)\n```\s*\nprev_hash: `([0-9a-f]{64})`[\s\S]*?```text\n(.*?)\n```\s*\nhash: `([0-9a-f]{64})`/g;
  return [...section.matchAll(pattern)].map((match) => ({
    event: JSON.parse(match[1]!) as WorkedExample['event'],
    prevHash: match[2]!,
    canonicalJson: match[3]!,
    hash: match[4]!,
  }));
}

function partsOf(event: WorkedExample['event']): EventParts {
  return { ...event, actor: canonicalize(event.actor), payload: canonicalize(event.payload) };
}

const examples = readWorkedExamples(ledgerDoc);

describe('docs/ledger.md worked example', () => {
  it('contains two examples', () => {
    expect(examples).toHaveLength(2);
  });

  it('starts the first chain at genesis', () => {
    expect(examples[0]!.prevHash).toBe(genesisHash);
    expect(ledgerDoc).toContain(`\`${genesisHash}\``);
  });

  it('chains the second example to the first', () => {
    expect(examples[1]!.prevHash).toBe(examples[0]!.hash);
    expect(examples[1]!.event.orgId).toBe(examples[0]!.event.orgId);
  });

  it('uses the reference example as event 1', () => {
    const event = examples[0]!.event;
    expect(event.type).toBe('support.ticket.created');
    expect(event.actor).toEqual({ type: 'user', id: 'usr_human_4455', name: 'Jane Doe' });
    expect(event.payload).toEqual({ ticketId: 'TCK-101', title: 'Unable to modify team role settings', priority: 'high' });
    expect(event.orgId).toBe('org_acme_123');
  });

  it.each([0, 1])('states the canonical JSON of example %i', (index) => {
    const example = examples[index]!;
    expect(canonicalEventJson(partsOf(example.event))).toBe(example.canonicalJson);
    expect(canonicalize(example.event)).toBe(example.canonicalJson);
  });

  it.each([0, 1])('states the hash of example %i', (index) => {
    const example = examples[index]!;
    expect(computeEventHash(example.prevHash, partsOf(example.event))).toBe(example.hash);
  });
});

describe('docs/ledger.md limits', () => {
  it('states the payload nesting limit', () => {
    expect(ledgerDoc).toContain(`nest objects and arrays ${limits.maxPayloadDepth} levels deep`);
    expect(ledgerDoc).toContain(`nested deeper than ${maxRequestDepth} levels`);
  });

  it('states the type length limit', () => {
    expect(ledgerDoc).toContain(`1 to ${limits.maxTypeLength} characters: dot-separated segments`);
  });
});

const hasPython = spawnSync('python3', ['--version']).status === 0;

describe.runIf(hasPython)('docs/ledger.md Python snippet', () => {
  const folder = mkdtempSync(join(tmpdir(), 'ledger-doc-test-'));
  const script = join(folder, 'recompute.py');
  writeFileSync(script, /```python\n([\s\S]*?)\n```/.exec(ledgerDoc)![1]!);

  afterAll(() => {
    rmSync(folder, { recursive: true, force: true });
  });

  it.each([0, 1])('recomputes the hash of example %i', (index) => {
    const example = examples[index]!;
    const args = example.prevHash === genesisHash ? [script] : [script, example.prevHash];
    const output = execFileSync('python3', args, { input: JSON.stringify(example.event), encoding: 'utf8' });
    expect(output.trim()).toBe(example.hash);
  });
});
