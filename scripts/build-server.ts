/**
 * Bundles the server for `npm start`: `dist/server/main.mjs` and the writer thread's
 * `dist/server/writer-entry.mjs`, as ES modules with every npm package left external, so
 * node_modules (and better-sqlite3's native addon) load as usual. Running the bundle instead of
 * the TypeScript sources through tsx saves the loader threads tsx adds to each thread and the
 * per-call helpers of its transform, which cost memory and CPU under load.
 *
 * Usage: node --import tsx scripts/build-server.ts
 */
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Output file names; `startWorker` finds the writer bundle beside the main bundle by this name. */
export const serverBundleEntries = {
  main: 'server/src/main.ts',
  'writer-entry': 'server/src/storage/sqlite/writer-entry.ts',
} as const;

const result = await build({
  absWorkingDir: root,
  entryPoints: serverBundleEntries,
  outdir: join(root, 'dist', 'server'),
  outExtension: { '.js': '.mjs' },
  bundle: true,
  packages: 'external',
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
});
if (result.errors.length > 0) process.exit(1);
