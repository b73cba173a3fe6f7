import { ApiError } from '../../../../contracts';

/**
 * Reads query parameters into an object for schema validation. A parameter given twice is
 * rejected, because silently taking one of them hides client bugs. Parameters named in
 * `integers` become numbers only when they are plain decimal integers. Anything else stays a
 * string, so the schema's message shows the value the client sent.
 */
export function parseQuery(url: string, options: { integers: string[] }): Record<string, unknown> {
  const start = url.indexOf('?');
  // A null prototype keeps a parameter named __proto__ an ordinary key that the schema rejects.
  const query: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  if (start === -1) return query;
  const params = new URLSearchParams(url.slice(start + 1));
  for (const [name, value] of params) {
    if (Object.hasOwn(query, name)) {
      const message = `${name} was given more than once; give each query parameter at most once`;
      throw new ApiError('VALIDATION_FAILED', message, [{ field: name, message }]);
    }
    query[name] = options.integers.includes(name) && /^-?\d{1,15}$/.test(value) ? Number(value) : value;
  }
  return query;
}
