import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';

const gzipAsync = promisify(gzip);

/** Request headers that select the representation of a static asset. */
export interface AssetRequest {
  ifNoneMatch?: string;
  acceptEncoding?: string;
}

/**
 * A response body that never changes while the process runs, such as the docs page or the
 * OpenAPI document. It is hashed once for its ETag and gzipped once, on the first request that
 * accepts gzip. A client that already has it gets 304 Not Modified.
 */
export class StaticAsset {
  private readonly bytes: Uint8Array;
  private readonly etag: string;
  private gzipped: Promise<Uint8Array> | undefined;

  constructor(
    text: string,
    private readonly contentType: string,
  ) {
    this.bytes = Buffer.from(text, 'utf8');
    this.etag = `"${createHash('sha256').update(this.bytes).digest('base64url').slice(0, 27)}"`;
  }

  /** First 27 characters of the base64url SHA-256 of the body, as in the ETag: a cache-busting version. */
  get version(): string {
    return this.etag.slice(1, -1);
  }

  /** Builds the response to a GET or HEAD request, with `cacheControl` as the Cache-Control header. */
  async respond(request: AssetRequest, cacheControl: string): Promise<Response> {
    const useGzip = acceptsGzip(request.acceptEncoding);
    // Each encoding is its own representation, so each needs its own strong ETag.
    const etag = useGzip ? `${this.etag.slice(0, -1)}-gzip"` : this.etag;
    const headers: Record<string, string> = {
      'cache-control': cacheControl,
      etag,
      vary: 'accept-encoding',
      'x-content-type-options': 'nosniff',
    };
    if (matchesEtag(request.ifNoneMatch, etag)) return new Response(null, { status: 304, headers });

    headers['content-type'] = this.contentType;
    if (!useGzip) return new Response(this.bytes, { status: 200, headers });
    // A failed compression is not cached, so the next request tries again.
    this.gzipped ??= gzipAsync(this.bytes).catch((error: unknown) => {
      this.gzipped = undefined;
      throw error;
    });
    headers['content-encoding'] = 'gzip';
    return new Response(await this.gzipped, { status: 200, headers });
  }
}

/** Reads `Accept-Encoding` (RFC 9110, section 12.5.3): gzip is accepted unless absent or given `q=0`. */
function acceptsGzip(header: string | undefined): boolean {
  if (header === undefined) return false;
  return header.split(',').some((entry) => {
    const [name = '', ...parameters] = entry.split(';').map((part) => part.trim().toLowerCase());
    if (name !== 'gzip' && name !== 'x-gzip') return false;
    const quality = parameters.find((parameter) => parameter.startsWith('q='));
    return quality === undefined || Number(quality.slice(2)) > 0;
  });
}

/** Compares `If-None-Match` weakly, as RFC 9110 (section 13.1.2) requires for GET. */
function matchesEtag(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}
