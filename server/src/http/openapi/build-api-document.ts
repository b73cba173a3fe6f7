import type { oas31 } from 'zod-openapi';
import { appRouter } from '../../../../contracts';
import packageJson from '../../../../package.json' with { type: 'json' };
import { buildOpenApiDocument } from './build-openapi-document';

const description = `An append-only, hash-chained event ledger: publish events, then read them back in ledger order.

Request bodies are JSON (\`Content-Type: application/json\`). Every response body is an envelope:
successes are \`{"success": true, "data": ...}\` and errors are
\`{"success": false, "error": {"code", "message", "details", "requestId"}}\`. Match errors on \`code\`,
whose values are stable; \`message\` is for people and \`details\` names the failing fields.

Every response carries an \`x-request-id\` header. Send your own \`x-request-id\` to find a request in
the server log; otherwise the server generates one.

The same operations are also served over tRPC at \`/trpc\` for the TypeScript client.`;

/** Description of each tag that the API's procedures use. */
const tagDescriptions: Record<string, string> = {
  events: 'Publish events to the ledger and read them back. Events are immutable once stored.',
  workflows: 'Webhook workflows: each one sends every event whose type matches its pattern to a URL, signed per Standard Webhooks.',
  runs: 'Deliveries of one event to one workflow, with their status, attempts and errors. Dead runs can be retried.',
};

/** Security scheme of API keys, for servers that check them (AUTH not off). */
export const apiKeySecurityScheme: oas31.SecuritySchemeObject = {
  type: 'http',
  scheme: 'bearer',
  description: 'An API key, sent as `Authorization: Bearer <key>`.',
};

/**
 * Builds the OpenAPI document of this service's REST API from `appRouter`, versioned as the
 * package. Pass `securitySchemes` when the server checks credentials.
 */
export function buildApiDocument(options: { securitySchemes?: Record<string, oas31.SecuritySchemeObject> } = {}): oas31.OpenAPIObject {
  return buildOpenApiDocument(appRouter, {
    title: 'Event Ledger API',
    version: packageJson.version,
    description,
    tags: tagDescriptions,
    ...options,
  });
}
