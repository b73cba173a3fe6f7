type SeaModule = typeof import('node:sea');

/** Error code that `node:sea` `getAsset()` throws for a key the blob does not contain. */
const ASSET_NOT_FOUND = 'ERR_SINGLE_EXECUTABLE_APPLICATION_ASSET_NOT_FOUND';

/**
 * Loads `node:sea` without a static import, because that module exists only on
 * Node 20.12+ and `process.getBuiltinModule()` only on Node 20.16+. Both calls
 * work in ESM, in an esbuild CommonJS bundle and inside the executable, whose
 * `require` loads built-in modules only.
 */
function loadSeaModule(): SeaModule | undefined {
  if (typeof process.getBuiltinModule !== 'function') return undefined;
  return process.getBuiltinModule('node:sea') as SeaModule | undefined;
}

/** Reports whether this process runs as a Node.js single executable application (SEA). */
export function isSea(): boolean {
  return loadSeaModule()?.isSea() ?? false;
}

/**
 * Returns a copy of the SEA asset `name` (a key of `assets` in the SEA
 * configuration), or `undefined` outside an SEA or when the executable has no
 * such asset.
 */
export function getSeaAsset(name: string): ArrayBuffer | undefined {
  const sea = loadSeaModule();
  if (!sea?.isSea()) return undefined;
  try {
    return sea.getAsset(name);
  } catch (error) {
    if (isAssetNotFound(error)) return undefined;
    throw error;
  }
}

/** Returns the SEA asset `name` decoded as UTF-8, or `undefined` as {@link getSeaAsset} does. */
export function getSeaAssetText(name: string): string | undefined {
  const sea = loadSeaModule();
  if (!sea?.isSea()) return undefined;
  try {
    return sea.getAsset(name, 'utf8');
  } catch (error) {
    if (isAssetNotFound(error)) return undefined;
    throw error;
  }
}

function isAssetNotFound(error: unknown): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === ASSET_NOT_FOUND;
}
