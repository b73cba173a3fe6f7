import { Worker, type WorkerOptions } from 'node:worker_threads';
import { getSeaAssetText, isSea } from './sea';

/** Locations of a worker's code in development and in the single executable. */
export interface WorkerEntry {
  /** TypeScript module run in development, usually `new URL('./x-worker.ts', import.meta.url)`. */
  devUrl: URL;
  /** SEA asset key of the worker's CommonJS bundle, as listed in the build script. */
  seaAsset: string;
  /** File name of the worker's ES module bundle beside the server bundle that `npm start` runs. */
  bundleFile: string;
}

/** True when this code runs from the `.mjs` server bundle that scripts/build-server.ts writes. */
const runsFromServerBundle = import.meta.url.endsWith('.mjs');

/**
 * Starts a `worker_threads` Worker running `entry`.
 *
 * Inside the single executable, the worker runs the bundled code from the SEA asset
 * `entry.seaAsset` as an eval worker. Unlike the SEA main script, an eval worker
 * has the full CommonJS `require`, so a non-built-in `require` left in the bundle
 * would read from the disk at run time. The build script rejects such bundles.
 *
 * In development, worker threads get no TypeScript transform from the parent:
 * neither vitest's nor, on Node 20.20, the one of `node --import tsx`. So the
 * worker first registers tsx's ESM loader and then imports `entry.devUrl`.
 * The `eval` option is set here, so callers cannot pass it.
 *
 * @throws Error inside an SEA whose executable lacks the asset `entry.seaAsset`.
 */
export function startWorker(entry: WorkerEntry, options: Omit<WorkerOptions, 'eval'>): Worker {
  if (isSea()) return new Worker(readBundledWorker(entry.seaAsset), { ...options, eval: true });
  if (runsFromServerBundle) return new Worker(new URL(`./${entry.bundleFile}`, import.meta.url), options);
  return new Worker(devBootstrap(entry.devUrl), { ...options, eval: true });
}

function readBundledWorker(seaAsset: string): string {
  const code = getSeaAssetText(seaAsset);
  if (code === undefined) {
    throw new Error(
      `worker SEA asset "${seaAsset}" not found in the executable. Add the worker to WORKER_ENTRIES in scripts/build-binary.ts and rebuild.`,
    );
  }
  return code;
}

/**
 * Builds the eval worker source for development. tsx is resolved from this file,
 * not from the current directory, so the worker starts whatever the cwd is.
 */
function devBootstrap(devUrl: URL): string {
  const tsxApi = import.meta.resolve('tsx/esm/api');
  return [
    `import(${JSON.stringify(tsxApi)})`,
    '.then((tsx) => { tsx.register(); })',
    `.then(() => import(${JSON.stringify(devUrl.href)}));`,
  ].join('\n');
}
