import type { oas31 } from 'zod-openapi';
import { limits } from '../../../../contracts';

/** Headers the HTTP layer sends, as `components.headers` entries. */
const headerComponents = {
  RequestId: {
    description:
      'Id of the request: the `x-request-id` request header when it is 1 to 128 letters, digits, `.`, `_`, `:` or `-`, otherwise a generated UUID. Error bodies repeat it as `error.requestId`.',
    required: true,
    schema: { type: 'string' },
  },
  Location: {
    description: 'Path of the created resource, relative to the server URL.',
    required: true,
    schema: { type: 'string', format: 'uri-reference' },
  },
  RetryAfter: {
    description: 'Seconds to wait before retrying (RFC 9110, section 10.2.3).',
    required: true,
    schema: { type: 'integer', minimum: 0 },
  },
  WwwAuthenticate: {
    description: 'The bearer challenge of RFC 6750, with `error="invalid_token"` when the request sent a key that was not accepted.',
    required: true,
    schema: { type: 'string' },
  },
  IdempotentReplayed: {
    description:
      'Sent as `true` when the idempotency key matched an earlier request with the same body: the response repeats that result and nothing new was stored. Absent otherwise.',
    schema: { type: 'string', enum: ['true'] },
  },
} satisfies Record<string, oas31.HeaderObject>;

/** Request headers, as `components.parameters` entries. */
const parameterComponents = {
  IdempotencyKey: {
    name: 'Idempotency-Key',
    in: 'header',
    required: false,
    description:
      'Makes retries safe: a retry with the same key and body returns the first result with `Idempotent-Replayed: true` instead of storing again, and the same key with a different body fails with 422 `IDEMPOTENCY_CONFLICT`. Keys are scoped to the organisation. The header takes precedence over the body field `idempotencyKey`.',
    schema: { type: 'string', minLength: 1, maxLength: limits.maxIdempotencyKeyLength },
  },
} satisfies Record<string, oas31.ParameterObject>;

export const requestIdHeader: oas31.ReferenceObject = { $ref: '#/components/headers/RequestId' };
export const locationHeader: oas31.ReferenceObject = { $ref: '#/components/headers/Location' };
export const retryAfterHeader: oas31.ReferenceObject = { $ref: '#/components/headers/RetryAfter' };
export const wwwAuthenticateHeader: oas31.ReferenceObject = { $ref: '#/components/headers/WwwAuthenticate' };
export const idempotentReplayedHeader: oas31.ReferenceObject = { $ref: '#/components/headers/IdempotentReplayed' };
export const idempotencyKeyParameter: oas31.ReferenceObject = { $ref: '#/components/parameters/IdempotencyKey' };

/** Adds the header and parameter components that the document refers to, and no others. */
export function addStandardHeaderComponents(document: oas31.OpenAPIObject): void {
  const text = JSON.stringify(document);
  const components = (document.components ??= {});
  for (const [name, header] of Object.entries(headerComponents)) {
    if (text.includes(`"#/components/headers/${name}"`)) (components.headers ??= {})[name] = header;
  }
  for (const [name, parameter] of Object.entries(parameterComponents)) {
    if (text.includes(`"#/components/parameters/${name}"`)) (components.parameters ??= {})[name] = parameter;
  }
}
