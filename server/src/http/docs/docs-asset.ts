import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { getSeaAssetText, isSea } from '../../runtime/sea';

/** SEA asset key under which the binary build embeds Scalar's standalone bundle. */
export const SCALAR_STANDALONE_ASSET = 'scalar-standalone.js';

/** Module specifier of Scalar's standalone bundle, an export of `@scalar/api-reference` 1.46. */
const SCALAR_STANDALONE_MODULE = '@scalar/api-reference/browser/standalone.js';

/**
 * Returns the file of Scalar's standalone bundle in node_modules, for development and for the
 * binary build, which embeds it as {@link SCALAR_STANDALONE_ASSET}.
 */
export function resolveDocsAssetFile(): string {
  return createRequire(import.meta.url).resolve(SCALAR_STANDALONE_MODULE);
}

/**
 * Reads Scalar's standalone bundle, the script that renders the API reference in the browser:
 * the SEA asset inside the single executable, which has no node_modules, otherwise the file in
 * node_modules.
 *
 * @throws Error when the executable lacks the asset or the package is not installed.
 */
export function loadDocsAsset(): string {
  if (!isSea()) return readFileSync(resolveDocsAssetFile(), 'utf8');
  const text = getSeaAssetText(SCALAR_STANDALONE_ASSET);
  if (text === undefined) {
    throw new Error(`SEA asset "${SCALAR_STANDALONE_ASSET}" not found in the executable; rebuild it with npm run build:binary`);
  }
  return text;
}
