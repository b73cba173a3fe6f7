import { ApiError, limits } from '../../../contracts';
import { decodeUtf8Strict, parseStrictJson } from '../ledger/strict-json';

/** Maximum nesting of a whole JSON request: the payload's limit plus room for envelopes such as tRPC batches. */
export const maxRequestDepth = limits.maxPayloadDepth + 8;

/**
 * Checks a Content-Type header: `application/json` in any letter case, with an optional
 * `charset=utf-8` parameter. Returns an error message, or undefined when it is acceptable.
 */
export function checkJsonContentType(header: string | undefined): string | undefined {
  if (header === undefined || header.trim() === '') {
    return 'the request has no Content-Type; send the body as JSON with "Content-Type: application/json"';
  }
  const [mediaType = '', ...parameters] = header.split(';');
  if (mediaType.trim().toLowerCase() !== 'application/json') {
    return `Content-Type must be application/json, got ${JSON.stringify(header.slice(0, 100))}`;
  }
  for (const parameter of parameters) {
    const [name = '', value = ''] = parameter.split('=');
    if (name.trim().toLowerCase() === 'charset' && !/^"?utf-8"?$/i.test(value.trim())) {
      return `only UTF-8 bodies are accepted, got ${JSON.stringify(header.slice(0, 100))}; send "Content-Type: application/json; charset=utf-8"`;
    }
  }
  return undefined;
}

/** Decodes UTF-8 and parses strict JSON (no duplicate keys, bounded depth, exact numbers); throws ApiError. */
export function parseJsonBody(bytes: Uint8Array): { text: string; value: unknown } {
  const text = decodeUtf8Strict(bytes);
  if (text === undefined) throw new ApiError('INVALID_JSON', 'the request body is not valid UTF-8; encode the JSON as UTF-8');
  return { text, value: parseJsonText(text, 'body') };
}

/** Parses strict JSON text from a body or a query parameter named `source`; throws ApiError. */
export function parseJsonText(text: string, source: string): unknown {
  if (text.trim() === '') throw new ApiError('INVALID_JSON', `the request ${source} is empty; send a JSON object`);
  const result = parseStrictJson(text, { maxDepth: maxRequestDepth });
  if (result.ok) return result.value;
  if (result.reason === 'syntax') throw new ApiError('INVALID_JSON', `the request ${source} is not valid JSON: ${result.message}`);
  const field = result.path === undefined || result.path === '' ? source : result.path;
  throw new ApiError('VALIDATION_FAILED', result.message, [{ field, message: result.message }]);
}
