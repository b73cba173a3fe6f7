import { createHash, randomBytes } from 'node:crypto';
import { lstatSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getSeaAsset, isSea } from '../../runtime/sea';

/** SEA asset key under which the build stores better-sqlite3's `build/Release/better_sqlite3.node`. */
export const SQLITE_ADDON_ASSET = 'better_sqlite3.node';

interface LoadedAddon {
  path: string;
  exports: object;
}

/** The addon this thread loaded from the SEA asset, so extraction runs at most once per thread. */
let loadedAddon: LoadedAddon | undefined;

/**
 * Returns better-sqlite3's native addon for `new Database(file, { nativeBinding })`.
 *
 * Outside an SEA this returns `undefined`, and better-sqlite3 finds its addon in
 * node_modules as usual. Inside an SEA, `require` loads built-in modules only, so
 * the addon ships as an SEA asset: the first call writes it to
 * `os.tmpdir()/event-ledger-<sha256>.node` (or reuses a matching copy) and loads
 * it with `process.dlopen`. better-sqlite3 12 accepts the loaded addon object
 * although its type declaration allows only `string`.
 *
 * @throws Error when the executable lacks the asset or the addon fails to load,
 *   for example because the temporary folder is mounted `noexec`.
 */
export function sqliteNativeBinding(): object | undefined {
  return loadAddonFromSea()?.exports;
}

/**
 * Returns the file that {@link sqliteNativeBinding} loaded the addon from, or
 * `undefined` outside an SEA. A worker thread passes it to
 * {@link loadSqliteNativeBinding} to load the same file without extracting again.
 */
export function sqliteNativeBindingPath(): string | undefined {
  return loadAddonFromSea()?.path;
}

/**
 * Loads the native addon at `file` with `process.dlopen` and returns its exports.
 * Loading a file that this process already loaded reuses the same shared library,
 * and better-sqlite3 initialises the addon separately for each thread.
 */
export function loadSqliteNativeBinding(file: string): object {
  const addon = { exports: {} };
  try {
    process.dlopen(addon, file);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `failed to load the SQLite native addon from ${file}: ${reason}. ` +
        'If the temporary folder is mounted noexec, set TMPDIR to a folder that allows executing files.',
      { cause: error },
    );
  }
  return addon.exports;
}

function loadAddonFromSea(): LoadedAddon | undefined {
  if (loadedAddon !== undefined) return loadedAddon;
  if (!isSea()) return undefined;

  const asset = getSeaAsset(SQLITE_ADDON_ASSET);
  if (asset === undefined) {
    throw new Error(
      `SEA asset "${SQLITE_ADDON_ASSET}" not found in the executable. Rebuild it with npm run build:binary.`,
    );
  }
  const path = extractAddon(new Uint8Array(asset));
  loadedAddon = { path, exports: loadSqliteNativeBinding(path) };
  return loadedAddon;
}

/**
 * Writes the addon to a file named by its SHA-256 so that later starts reuse it.
 * A copy that another user owns cannot be trusted or replaced (the sticky bit on
 * the temporary folder blocks the rename), so this process then writes its own
 * copy to a new private folder instead.
 */
function extractAddon(bytes: Uint8Array): string {
  const hash = sha256(bytes);
  const target = join(tmpdir(), `event-ledger-${hash}.node`);
  if (isTrustedCopy(target, hash)) return target;

  try {
    writeAtomically(target, bytes);
    return target;
  } catch (error) {
    if (!isPermissionError(error)) throw error;
    // NOTE: each start in this case creates a new private folder, and nothing removes it.
    const privateFolder = mkdtempSync(join(tmpdir(), 'event-ledger-'));
    const privateTarget = join(privateFolder, `event-ledger-${hash}.node`);
    writeFileSync(privateTarget, bytes, { mode: 0o700 });
    return privateTarget;
  }
}

/**
 * Accepts an existing copy only if it is a regular file (not a symbolic link)
 * owned by this user, not writable by other users, and has the expected content.
 */
function isTrustedCopy(file: string, expectedHash: string): boolean {
  let stats;
  try {
    stats = lstatSync(file);
  } catch {
    return false;
  }
  if (!stats.isFile()) return false;
  if (process.getuid !== undefined && stats.uid !== process.getuid()) return false;
  if ((stats.mode & 0o022) !== 0) return false;
  return sha256(readFileSync(file)) === expectedHash;
}

/**
 * Writes to a unique temporary name and renames it into place, so a process that
 * starts concurrently finds either no file or a complete one, never a partial write.
 */
function writeAtomically(target: string, bytes: Uint8Array): void {
  const temporary = `${target}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  writeFileSync(temporary, bytes, { mode: 0o755, flag: 'wx' });
  try {
    renameSync(temporary, target);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function isPermissionError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'EPERM' || code === 'EACCES';
}
