import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDocsAsset, resolveDocsAssetFile, SCALAR_STANDALONE_ASSET } from '../../src/http/docs/docs-asset';
import { startTestServer, type TestServer } from '../support/start-test-server';

let server: TestServer;
let page: string;
let pageResponse: Response;

beforeAll(async () => {
  server = await startTestServer();
  pageResponse = await fetch(`${server.url}/docs`);
  page = await pageResponse.text();
});

afterAll(async () => {
  await server?.stop();
});

/** Values of `attribute` on every `<tag>` element of the page, with HTML entities decoded. */
function attributeValues(tag: string, attribute: string): string[] {
  const elements = page.match(new RegExp(`<${tag}\\b[^>]*>`, 'gi')) ?? [];
  return elements.flatMap((element) => {
    const value = new RegExp(`\\s${attribute}="([^"]*)"`, 'i').exec(element)?.[1];
    if (value === undefined) return [];
    return [value.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')];
  });
}

function scriptUrl(): string {
  const source = attributeValues('script', 'src')[0];
  if (source === undefined) throw new Error(`the docs page loads no script:\n${page}`);
  return source;
}

describe('GET /docs', () => {
  it('returns an HTML page', () => {
    expect(pageResponse.status).toBe(200);
    expect(pageResponse.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page).toMatch(/^<!doctype html>/);
  });

  it('points Scalar at the document', () => {
    expect(attributeValues('script', 'data-url')).toEqual(['/openapi.json']);
  });

  it('loads only local scripts and styles', () => {
    const sources = [...attributeValues('script', 'src'), ...attributeValues('link', 'href')];
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) {
      // Same-origin paths, or inline data such as the empty favicon.
      expect(source, source).toMatch(/^(\/[^/]|data:)/);
      expect(source, source).not.toMatch(/^(https?:)?\/\//i);
    }
  });

  it('turns off Scalar network features', () => {
    const configuration = JSON.parse(attributeValues('script', 'data-configuration')[0] ?? '{}') as Record<string, unknown>;
    expect(configuration.withDefaultFonts).toBe(false);
    expect(configuration.agent).toEqual({ disabled: true });
  });

  it('revalidates the page on every load', () => {
    expect(pageResponse.headers.get('cache-control')).toBe('no-cache');
  });
});

describe('GET /docs/scalar.js', () => {
  it('serves the Scalar bundle', async () => {
    const response = await fetch(`${server.url}/docs/scalar.js`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const body = await response.text();
    expect(body).toBe(loadDocsAsset());
    expect(body).toContain('createApiReference');
  });

  it('caches the versioned URL for a year', async () => {
    const url = scriptUrl();
    expect(url).toMatch(/^\/docs\/scalar\.js\?v=[\w-]+$/);
    const response = await fetch(`${server.url}${url}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  });

  it('revalidates an unversioned URL', async () => {
    const response = await fetch(`${server.url}/docs/scalar.js?v=stale`);
    expect(response.headers.get('cache-control')).toBe('no-cache');
  });

  it('answers 304 for a matching ETag', async () => {
    const first = await fetch(`${server.url}/docs/scalar.js`, { headers: { 'accept-encoding': 'identity' } });
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^"[\w-]+"$/);
    const second = await fetch(`${server.url}/docs/scalar.js`, { headers: { 'accept-encoding': 'identity', 'if-none-match': etag ?? '' } });
    expect(second.status).toBe(304);
    expect(await second.text()).toBe('');
  });

  it('sends gzip when accepted', async () => {
    const response = await fetch(`${server.url}/docs/scalar.js`, { headers: { 'accept-encoding': 'gzip' } });
    expect(response.headers.get('content-encoding')).toBe('gzip');
    expect(response.headers.get('vary')).toBe('accept-encoding');
    // fetch decompresses the body, so it must equal the file.
    expect(await response.text()).toBe(loadDocsAsset());
  });

  it('sends plain text without gzip', async () => {
    const response = await fetch(`${server.url}/docs/scalar.js`, { headers: { 'accept-encoding': 'gzip;q=0, identity' } });
    expect(response.headers.get('content-encoding')).toBeNull();
  });
});

describe('loadDocsAsset', () => {
  it('reads the bundle from node_modules', () => {
    expect(existsSync(resolveDocsAssetFile())).toBe(true);
    expect(loadDocsAsset()).toContain('@scalar/api-reference');
  });

  it('names the SEA asset', () => {
    expect(SCALAR_STANDALONE_ASSET).toBe('scalar-standalone.js');
  });
});
