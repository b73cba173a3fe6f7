import type { oas31 } from 'zod-openapi';
import { describeErrorResponses } from './describe-error-responses';
import type { DocumentedProcedure } from './list-documented-procedures';
import { idempotencyKeyParameter, idempotentReplayedHeader, locationHeader } from './standard-headers';
import { describeSuccessResponse } from './success-response';

/**
 * Rewrites the generated operation of `procedure` in place so that it describes the REST wire
 * format: enveloped bodies, the success status from `meta.successStatus`, error responses, the
 * headers the HTTP layer sends and the field descriptions the generator dropped.
 */
export function describeOperation(document: oas31.OpenAPIObject, procedure: DocumentedProcedure): void {
  requireSummaryAndDescription(procedure);
  const operation = findOperation(document, procedure);
  const parameters = describeParameters(operation.parameters ?? [], procedure.fieldDescriptions);
  const generated = (operation.responses ?? {}) as Record<string, oas31.ResponseObject>;
  const acceptsIdempotencyKey = hasIdempotencyKeyField(document, operation.requestBody);

  const success = describeSuccessResponse(generated['200'], procedure.successStatus);
  const headers = (success.headers ??= {});
  // NOTE: this assumes that the REST handler of such a creation sets Location, as POST /events does.
  if (procedure.successStatus === 201 && hasItemReadOperation(document, procedure.path)) headers.Location = locationHeader;
  if (acceptsIdempotencyKey) {
    headers['Idempotent-Replayed'] = idempotentReplayedHeader;
    parameters.push(idempotencyKeyParameter);
  }

  const errors = describeErrorResponses(procedure, {
    generatedStatuses: Object.keys(generated).map(Number).filter((status) => status >= 400),
    hasRequestBody: operation.requestBody !== undefined,
    requiresAuthentication: (operation.security ?? []).some((requirement) => Object.keys(requirement).length > 0),
    acceptsIdempotencyKey,
  });
  operation.responses = { [String(procedure.successStatus)]: success, ...errors };
  if (parameters.length > 0) operation.parameters = parameters;
  else delete operation.parameters;
}

function requireSummaryAndDescription(procedure: DocumentedProcedure): void {
  const missing = (['summary', 'description'] as const).filter((key) => !procedure.openapi[key]?.trim());
  if (missing.length === 0) return;
  throw new Error(`procedure ${procedure.name} has no meta.openapi.${missing.join(' or ')}; add them to its .meta() so the API reference can show them`);
}

function findOperation(document: oas31.OpenAPIObject, procedure: DocumentedProcedure): oas31.OperationObject {
  const operation = document.paths?.[procedure.path]?.[procedure.method];
  if (operation === undefined) {
    throw new Error(`the generated document lacks ${procedure.method.toUpperCase()} ${procedure.path} of procedure ${procedure.name}`);
  }
  return operation;
}

/**
 * Sets each query and path parameter's description from its input field. trpc-to-openapi unwraps
 * `.optional()` and so loses a description given on the optional schema.
 */
function describeParameters(
  parameters: Array<oas31.ParameterObject | oas31.ReferenceObject>,
  fieldDescriptions: Map<string, string>,
): Array<oas31.ParameterObject | oas31.ReferenceObject> {
  return parameters.map((parameter) => {
    if ('$ref' in parameter || (parameter.in !== 'query' && parameter.in !== 'path')) return parameter;
    const description = fieldDescriptions.get(parameter.name) ?? parameter.description;
    return description === undefined ? parameter : { ...parameter, description };
  });
}

/** Reports whether the JSON request body has an `idempotencyKey` field, which REST also takes from the `Idempotency-Key` header. */
function hasIdempotencyKeyField(document: oas31.OpenAPIObject, requestBody: oas31.RequestBodyObject | oas31.ReferenceObject | undefined): boolean {
  if (requestBody === undefined || '$ref' in requestBody) return false;
  const schema = resolveSchema(document, requestBody.content['application/json']?.schema);
  return schema?.properties?.idempotencyKey !== undefined;
}

function resolveSchema(
  document: oas31.OpenAPIObject,
  schema: oas31.SchemaObject | oas31.ReferenceObject | undefined,
): oas31.SchemaObject | undefined {
  if (schema === undefined) return undefined;
  const ref = (schema as { $ref?: unknown }).$ref;
  if (typeof ref !== 'string') return schema as oas31.SchemaObject;
  const prefix = '#/components/schemas/';
  if (!ref.startsWith(prefix)) return undefined;
  return resolveSchema(document, document.components?.schemas?.[ref.slice(prefix.length)]);
}

/** Reports whether `GET {path}/{param}` exists, the resource a 201 response's `Location` points at. */
function hasItemReadOperation(document: oas31.OpenAPIObject, path: string): boolean {
  const itemPath = new RegExp(`^${escapeRegExp(path)}/\\{[^/}]+\\}$`);
  return Object.entries(document.paths ?? {}).some(([candidate, item]) => itemPath.test(candidate) && item.get !== undefined);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
