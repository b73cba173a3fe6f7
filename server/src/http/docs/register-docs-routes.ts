import type { Context, Hono } from 'hono';
import type { oas31 } from 'zod-openapi';
import { ApiError } from '../../../../contracts';
import type { AppEnv, AppServices } from '../app-env';
import { loadDocsAsset } from './docs-asset';
import { renderDocsPage } from './render-docs-page';
import { StaticAsset } from './static-asset';

/** URL paths the docs routes serve. */
export const docsPaths = {
  document: '/openapi.json',
  page: '/docs',
  script: '/docs/scalar.js',
} as const;

/** Server services that the docs routes use. */
type DocsServices = Pick<AppServices, 'logger' | 'authenticator'>;

const revalidate = 'no-cache';
const immutable = 'public, max-age=31536000, immutable';

/** Options of {@link registerDocsRoutes}. */
export interface DocsRoutesOptions {
  /**
   * Builds the OpenAPI document. It runs once, on the first request for the document. The default
   * is this API's document, with bearer API keys when `services.authenticator` is set.
   */
  buildDocument?: () => oas31.OpenAPIObject | Promise<oas31.OpenAPIObject>;
  /** Title of the docs page. */
  title?: string;
}

/**
 * Registers `GET /openapi.json` (the OpenAPI document), `GET /docs` (the API reference page) and
 * `GET /docs/scalar.js` (Scalar's standalone bundle, served by this server so the page works
 * offline). The bundle is read once, here. The page loads it as `/docs/scalar.js?v=<hash>`, and
 * browsers may cache that URL for a year because a new bundle gets a new hash.
 */
export function registerDocsRoutes(app: Hono<AppEnv>, services: DocsServices, options: DocsRoutesOptions = {}): void {
  const buildDocument = options.buildDocument ?? (() => buildDefaultDocument(services));
  let documentAsset: Promise<StaticAsset> | undefined;
  app.get(docsPaths.document, async (c) => {
    // Concurrent first requests share one build. A failed build is not kept, so the next request tries again.
    documentAsset ??= Promise.resolve()
      .then(buildDocument)
      .then((document) => new StaticAsset(JSON.stringify(document), 'application/json; charset=utf-8'))
      .catch((error: unknown) => {
        documentAsset = undefined;
        throw error;
      });
    return (await documentAsset).respond(assetRequest(c), revalidate);
  });

  const script = loadScript(services);
  const page = script === undefined ? undefined : renderPage(script, options.title ?? 'Event Ledger API reference');

  app.get(docsPaths.page, (c) => {
    if (page === undefined) throw viewerMissing();
    return page.respond(assetRequest(c), revalidate);
  });
  app.get(docsPaths.script, (c) => {
    if (script === undefined) throw viewerMissing();
    const cacheControl = c.req.query('v') === script.version ? immutable : revalidate;
    return script.respond(assetRequest(c), cacheControl);
  });
}

/**
 * Builds this API's document. The builder is imported on first use, because trpc-to-openapi and
 * zod-openapi add noticeable time to every server start otherwise.
 */
async function buildDefaultDocument(services: DocsServices): Promise<oas31.OpenAPIObject> {
  const { apiKeySecurityScheme, buildApiDocument } = await import('../openapi/build-api-document');
  return buildApiDocument(services.authenticator ? { securitySchemes: { apiKey: apiKeySecurityScheme } } : {});
}

/** Reads the Scalar bundle. Without it the server still runs, and only the docs page fails. */
function loadScript(services: DocsServices): StaticAsset | undefined {
  try {
    return new StaticAsset(loadDocsAsset(), 'text/javascript; charset=utf-8');
  } catch (error) {
    services.logger.error({ err: error }, 'API reference viewer not found; /docs fails until it is installed, /openapi.json still works');
    return undefined;
  }
}

function renderPage(script: StaticAsset, title: string): StaticAsset {
  const html = renderDocsPage({ title, documentUrl: docsPaths.document, scriptUrl: `${docsPaths.script}?v=${script.version}` });
  return new StaticAsset(html, 'text/html; charset=utf-8');
}

function viewerMissing(): ApiError {
  return new ApiError('INTERNAL', `the API reference viewer is missing from this build; the OpenAPI document is at ${docsPaths.document}`);
}

function assetRequest(c: Context<AppEnv>): { ifNoneMatch?: string; acceptEncoding?: string } {
  return { ifNoneMatch: c.req.header('if-none-match'), acceptEncoding: c.req.header('accept-encoding') };
}
