/**
 * Builds `dist/events`, a Node.js single executable application (SEA): esbuild
 * bundles the entries to CommonJS, `node --experimental-sea-config` turns them
 * into a blob, and postject injects the blob into a copy of this Node binary.
 *
 * Usage: npm run build:binary (Linux only, because macOS and Windows executables
 * also need their code signature removed and renewed).
 */
import { build, type BuildOptions, type Message, type Metafile, type Plugin } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveDocsAssetFile, SCALAR_STANDALONE_ASSET } from '../server/src/http/docs/docs-asset';
import { SQLITE_ADDON_ASSET } from '../server/src/storage/sqlite/native-binding';

interface WorkerBundle {
  /** TypeScript entry of the worker, relative to the repository root. */
  entry: string;
  /** SEA asset key that `startWorker({ seaAsset })` reads the bundle from. */
  asset: string;
}

interface ExtraAsset {
  /** Key for `getSeaAsset(name)` at run time. */
  name: string;
  /** File to embed: an absolute path, or a path relative to the repository root. */
  file: string;
}

/** Entry that the executable runs: the `events` command line. */
const MAIN_ENTRY = 'server/src/cli/main.ts';

/**
 * Worker entries, each bundled on its own and embedded as an SEA asset. Each `asset` must equal
 * the `seaAsset` that the code starting the worker passes to `startWorker`.
 */
const WORKER_ENTRIES: readonly WorkerBundle[] = [
  // SqliteLedgerStore.open starts the ledger writer thread with seaAsset 'writer-entry.js'.
  { entry: 'server/src/storage/sqlite/writer-entry.ts', asset: 'writer-entry.js' },
];

/** Further files to embed as SEA assets. */
const EXTRA_ASSETS: readonly ExtraAsset[] = [
  // Scalar's standalone bundle, which the /docs page loads; loadDocsAsset() reads it in the executable.
  { name: SCALAR_STANDALONE_ASSET, file: resolveDocsAssetFile() },
];

/** Fuse that `node --experimental-sea-config` blobs are injected against, fixed by Node.js. */
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const bundles = join(dist, 'sea');
const executable = join(dist, 'events');

/**
 * The bundle is CommonJS, where `import.meta` does not exist. Entries still build
 * worker URLs with `new URL('./x.ts', import.meta.url)`, so the banner supplies a
 * URL for the bundle file, and `import.meta.resolve` reports that it is dev-only.
 */
const IMPORT_META_BANNER = [
  'var __importMeta = {',
  '  url: require("node:url").pathToFileURL(__filename).href,',
  '  resolve: function (specifier) {',
  '    throw new Error("import.meta.resolve(" + JSON.stringify(specifier) + ") is not available in the bundled executable");',
  '  },',
  '};',
].join('\n');

/**
 * Replaces the `bindings` package, which better-sqlite3 uses to find its addon
 * in node_modules, because the executable has no node_modules. Every Database
 * must be opened with the `nativeBinding` option instead.
 */
const stubBindingsPackage: Plugin = {
  name: 'stub-bindings-package',
  setup(context) {
    context.onResolve({ filter: /^bindings$/ }, (args) => ({ path: args.path, namespace: 'stub' }));
    context.onLoad({ filter: /.*/, namespace: 'stub' }, () => ({
      loader: 'js',
      contents:
        'module.exports = function () { throw new Error("better-sqlite3 needs the nativeBinding option in the executable; pass sqliteNativeBinding() when opening the database"); };',
    }));
  },
};

/**
 * Allows two run-time loads that this project never triggers: better-sqlite3's
 * indirect `require`, which runs only for a string `nativeBinding` path, and
 * Kysely's `FileMigrationProvider` import of migration files, because
 * run-migrations.ts passes its migrations as a static list instead.
 */
function isAllowedWarning(message: Message): boolean {
  const file = message.location?.file ?? '';
  if (message.id === 'indirect-require') return file.endsWith('node_modules/better-sqlite3/lib/database.js');
  if (message.id === 'unsupported-dynamic-import') return file.endsWith('node_modules/kysely/dist/esm/migration/file-migration-provider.js');
  return false;
}

/** Bundles one entry and fails on warnings, because a dynamic `require` would break in the SEA. */
async function bundle(entry: string, outfile: string): Promise<void> {
  const options: BuildOptions = {
    absWorkingDir: root,
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    metafile: true,
    logLevel: 'silent',
    // Raised from debug level: each of these leaves a require or import for run time.
    logOverride: {
      'indirect-require': 'warning',
      'unsupported-require-call': 'warning',
      'unsupported-dynamic-import': 'warning',
    },
    banner: { js: IMPORT_META_BANNER },
    define: { 'import.meta': '__importMeta' },
    plugins: [stubBindingsPackage],
  };
  const result = await build(options);
  const warnings = result.warnings.filter((message) => !isAllowedWarning(message));
  if (warnings.length > 0) {
    const text = warnings.map((message) => `  ${formatMessage(message)}`).join('\n');
    throw new Error(`bundling ${entry} produced warnings that would break in the executable:\n${text}`);
  }
  assertOnlyBuiltinsExternal(entry, result.metafile);
}

/** Checks that every import left for run time is a Node.js built-in, the only kind the SEA can load. */
function assertOnlyBuiltinsExternal(entry: string, metafile: Metafile | undefined): void {
  const external = new Set<string>();
  for (const input of Object.values(metafile?.inputs ?? {})) {
    for (const imported of input.imports) {
      if (imported.external && !isBuiltin(imported.path)) external.add(imported.path);
    }
  }
  if (external.size > 0) {
    throw new Error(`bundle of ${entry} leaves non-built-in imports for run time: ${[...external].join(', ')}`);
  }
}

function formatMessage(message: Message): string {
  const location = message.location;
  const where = location ? `${location.file}:${location.line}:${location.column}: ` : '';
  return `${where}${message.text} [${message.id}]`;
}

function sqliteAddonFile(): string {
  const require = createRequire(import.meta.url);
  const packageDirectory = dirname(require.resolve('better-sqlite3/package.json'));
  return join(packageDirectory, 'build', 'Release', 'better_sqlite3.node');
}

/** Writes the SEA configuration that `node --experimental-sea-config` reads, with absolute paths. */
function writeSeaConfig(mainBundle: string, blob: string): string {
  const assets: Record<string, string> = { [SQLITE_ADDON_ASSET]: sqliteAddonFile() };
  for (const worker of WORKER_ENTRIES) assets[worker.asset] = join(bundles, worker.asset);
  for (const extra of EXTRA_ASSETS) assets[extra.name] = resolve(root, extra.file);

  const config = {
    main: mainBundle,
    output: blob,
    disableExperimentalSEAWarning: true,
    // The code cache depends on the exact V8 build and flags, so it stays off for predictable starts.
    useCodeCache: false,
    assets,
  };
  const configFile = join(dist, 'sea-config.json');
  writeFileSync(configFile, `${JSON.stringify(config, null, 2)}\n`);
  return configFile;
}

/** Copies this Node binary and injects the blob into it with postject. */
function injectBlob(blob: string): void {
  rmSync(executable, { force: true });
  copyFileSync(process.execPath, executable);
  const postject = join(root, 'node_modules', '.bin', 'postject');
  execFileSync(postject, [executable, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', SEA_FUSE], {
    stdio: 'inherit',
  });
  chmodSync(executable, 0o755);
}

async function buildBinary(): Promise<void> {
  if (process.platform !== 'linux') {
    throw new Error(
      `build-binary supports Linux only, got ${process.platform}. macOS and Windows also need code signing steps, which this script lacks.`,
    );
  }
  const started = performance.now();
  rmSync(bundles, { recursive: true, force: true });
  mkdirSync(bundles, { recursive: true });

  const mainBundle = join(bundles, 'main.cjs');
  await bundle(MAIN_ENTRY, mainBundle);
  for (const worker of WORKER_ENTRIES) await bundle(worker.entry, join(bundles, worker.asset));

  const blob = join(bundles, 'sea-prep.blob');
  const configFile = writeSeaConfig(mainBundle, blob);
  execFileSync(process.execPath, ['--experimental-sea-config', configFile], { stdio: 'inherit' });
  injectBlob(blob);

  const megabytes = (statSync(executable).size / 1024 / 1024).toFixed(1);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`built ${relative(root, executable)}: ${megabytes} MiB in ${seconds} s`);
}

await buildBinary();
