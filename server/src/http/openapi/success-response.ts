import type { oas31 } from 'zod-openapi';
import { requestIdHeader } from './standard-headers';

/**
 * Turns the generator's 200 response into the response REST really sends: the given status, every
 * body wrapped as `{"success": true, "data": <output>}`, and the `x-request-id` header. A 204
 * response has no body.
 */
export function describeSuccessResponse(generated: oas31.ResponseObject | undefined, status: number): oas31.ResponseObject {
  const response: oas31.ResponseObject = {
    description: generated?.description ?? 'Success.',
    headers: { ...generated?.headers, 'x-request-id': requestIdHeader },
  };
  if (status === 204 || generated?.content === undefined) return response;

  const content: oas31.ContentObject = {};
  for (const [mediaType, media] of Object.entries(generated.content)) {
    content[mediaType] = { ...media, schema: successEnvelope(media.schema ?? {}) };
  }
  response.content = content;
  return response;
}

function successEnvelope(data: oas31.SchemaObject | oas31.ReferenceObject): oas31.SchemaObject {
  return {
    type: 'object',
    properties: {
      success: { type: 'boolean', const: true, description: 'Always `true` for successes.' },
      data,
    },
    required: ['success', 'data'],
    additionalProperties: false,
  };
}
