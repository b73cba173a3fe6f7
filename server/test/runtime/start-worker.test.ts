import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorker, type WorkerEntry } from '../../src/runtime/start-worker';

// Written to a temporary folder, outside vitest's module graph, so only the
// worker's own tsx registration can compile it. The extensionless import and
// the type annotations fail without a TypeScript loader.
const GREETING_SOURCE = `
export type Greeting = { text: string; fromWorker: boolean };
export function greet(name: string): Greeting {
  return { text: \`hello \${name}\`, fromWorker: true };
}
`;
const WORKER_SOURCE = `
import { parentPort, workerData } from 'node:worker_threads';
import { greet } from './greeting';
const name: string = (workerData as { name: string }).name;
parentPort?.postMessage(greet(name));
`;

// Parent script for a plain `node --import tsx` process. On Node 20.20 its workers
// still cannot load .ts files unless the bootstrap registers tsx in the worker.
const PARENT_SOURCE = (startWorkerUrl: string, workerUrl: string): string => `
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { startWorker } from ${JSON.stringify(startWorkerUrl)};
const worker = startWorker({ devUrl: new URL(${JSON.stringify(workerUrl)}), seaAsset: 'unused.js', bundleFile: 'unused.mjs' }, { workerData: { name: 'cli' } });
const [message] = await once(worker, 'message');
process.stdout.write(JSON.stringify(message));
`;

let folder: string;

beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'start-worker-test-'));
  // Same module type as this repository's package.json, so .ts files load as ESM.
  writeFileSync(join(folder, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(join(folder, 'greeting.ts'), GREETING_SOURCE);
  writeFileSync(join(folder, 'worker.ts'), WORKER_SOURCE);
  const startWorkerUrl = new URL('../../src/runtime/start-worker.ts', import.meta.url).href;
  const workerUrl = pathToFileURL(join(folder, 'worker.ts')).href;
  writeFileSync(join(folder, 'parent.ts'), PARENT_SOURCE(startWorkerUrl, workerUrl));
});

afterAll(() => {
  rmSync(folder, { recursive: true, force: true });
});

function entryFor(file: string): WorkerEntry {
  return { devUrl: pathToFileURL(join(folder, file)), seaAsset: 'unused-outside-sea.js', bundleFile: 'unused-outside-bundle.mjs' };
}

async function firstMessage(worker: Worker): Promise<unknown> {
  const [message] = await once(worker, 'message');
  await once(worker, 'exit');
  return message;
}

describe('startWorker in development', () => {
  it('runs TypeScript worker under vitest', async () => {
    const worker = startWorker(entryFor('worker.ts'), { workerData: { name: 'ledger' } });

    const message = await firstMessage(worker);

    expect(message).toEqual({ text: 'hello ledger', fromWorker: true });
  });

  it('runs worker under node --import tsx', () => {
    // The parent runs in the temporary folder, which has no node_modules, so the
    // worker only finds tsx because startWorker resolves it from its own file.
    const output = execFileSync(process.execPath, ['--import', import.meta.resolve('tsx'), 'parent.ts'], {
      cwd: folder,
      encoding: 'utf8',
    });

    expect(JSON.parse(output)).toEqual({ text: 'hello cli', fromWorker: true });
  });

  it('emits error for missing entry', async () => {
    const worker = startWorker(entryFor('missing.ts'), {});

    const [error] = (await once(worker, 'error')) as [Error];

    expect(error).toBeInstanceOf(Error);
    expect(error.message).toContain('missing.ts');
  });
});
