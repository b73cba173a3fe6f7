import { request } from 'node:http';
import type { ApiResponse } from '../../auth/support/api-calls';

/** A request sent byte for byte: the path is not normalised and the body is not re-encoded. */
export interface RawRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Sends the body with chunked transfer encoding and no Content-Length, in chunks of this many bytes. */
  chunkBytes?: number;
}

/**
 * Sends a raw HTTP/1.1 request to the server at `url` and reads the whole response. It fails
 * when the connection errors (such as ECONNRESET) before the whole response arrived.
 */
export function sendRaw(url: string, raw: RawRequest): Promise<ApiResponse> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...raw.headers };
    const body = raw.body === undefined ? undefined : Buffer.isBuffer(raw.body) ? raw.body : Buffer.from(raw.body, 'utf8');
    if (body !== undefined && raw.chunkBytes === undefined && !hasHeader(headers, 'content-length')) headers['content-length'] = body.length;
    if (raw.chunkBytes !== undefined) headers['transfer-encoding'] = 'chunked';
    const outgoing = request({ host: target.hostname, port: target.port, method: raw.method, path: raw.path, headers, agent: false }, (incoming) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.once('error', reject);
      incoming.once('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const responseHeaders = new Headers();
        for (const [name, value] of Object.entries(incoming.headers)) {
          if (typeof value === 'string') responseHeaders.set(name, value);
          else if (Array.isArray(value)) responseHeaders.set(name, value.join(', '));
        }
        resolve({ status: incoming.statusCode ?? 0, headers: responseHeaders, text, body: parseOrUndefined(text) });
      });
    });
    outgoing.once('error', reject);
    writeBody(outgoing, body, raw.chunkBytes);
  });
}

function writeBody(outgoing: ReturnType<typeof request>, body: Buffer | undefined, chunkBytes: number | undefined): void {
  if (body === undefined) {
    outgoing.end();
    return;
  }
  if (chunkBytes === undefined) {
    outgoing.end(body);
    return;
  }
  for (let offset = 0; offset < body.length; offset += chunkBytes) outgoing.write(body.subarray(offset, offset + chunkBytes));
  outgoing.end();
}

function hasHeader(headers: Record<string, unknown>, name: string): boolean {
  return Object.keys(headers).some((key) => key.toLowerCase() === name);
}

function parseOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
