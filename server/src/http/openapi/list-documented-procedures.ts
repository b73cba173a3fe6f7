import { forEachOpenApiProcedure, getInputOutputParsers, type OpenApiMeta, type OpenApiRouter } from 'trpc-to-openapi';

/** HTTP methods trpc-to-openapi 3.3 supports, in the lower case that OpenAPI path items use. */
export type OperationMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** A procedure with `meta.openapi`, as the document post-processing needs it. */
export interface DocumentedProcedure {
  /** Dotted tRPC path, such as `events.publish`. */
  name: string;
  method: OperationMethod;
  /** Path as a key of the document's `paths`, such as `/events/{id}`. */
  path: string;
  openapi: NonNullable<OpenApiMeta['openapi']>;
  /** HTTP status of a success: `meta.successStatus`, else 200. */
  successStatus: number;
  /** Descriptions of the input object's fields, which the generator drops for optional query parameters. */
  fieldDescriptions: Map<string, string>;
}

/** Lists every procedure of `router` that the OpenAPI generator documents, in router order. */
export function listDocumentedProcedures(router: OpenApiRouter): DocumentedProcedure[] {
  const procedures: DocumentedProcedure[] = [];
  forEachOpenApiProcedure(router._def.procedures, ({ path: name, procedure, meta }) => {
    procedures.push({
      name,
      method: meta.openapi.method.toLowerCase() as OperationMethod,
      path: normalizePath(meta.openapi.path),
      openapi: meta.openapi,
      successStatus: readSuccessStatus(name, (meta as { successStatus?: unknown }).successStatus),
      fieldDescriptions: describeInputFields(getInputOutputParsers(procedure).inputParser),
    });
  });
  return procedures;
}

/** Same normalisation as the generator applies to `meta.openapi.path`: one leading slash, no trailing one. */
function normalizePath(path: string): string {
  return `/${path.replace(/^\/|\/$/g, '')}`;
}

function readSuccessStatus(name: string, value: unknown): number {
  if (value === undefined) return 200;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 200 && value <= 299) return value;
  throw new Error(`procedure ${name} has meta.successStatus ${JSON.stringify(value)}; use a 2xx status such as 200 or 201`);
}

function describeInputFields(input: unknown): Map<string, string> {
  const descriptions = new Map<string, string>();
  const shape = (input as { shape?: Record<string, { description?: string }> } | undefined)?.shape;
  if (shape === undefined) return descriptions;
  for (const [field, schema] of Object.entries(shape)) {
    if (schema.description !== undefined) descriptions.set(field, schema.description);
  }
  return descriptions;
}
