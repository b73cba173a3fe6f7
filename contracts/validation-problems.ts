import type { FieldProblem } from './error-codes';

interface IssueLike {
  path: readonly PropertyKey[];
  message: string;
  /** Names of unknown fields, set on zod's `unrecognized_keys` issues. */
  keys?: readonly string[];
}

/** Formats an issue path as `payload.items[2].id`, the form used in error `details`. */
export function formatFieldPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const part of path) {
    if (typeof part === 'number') text += `[${part}]`;
    else text += text === '' ? String(part) : `.${String(part)}`;
  }
  return text;
}

/** Converts schema issues into the `details` of a VALIDATION_FAILED error and a one-line summary. */
export function summarizeIssues(issues: readonly IssueLike[]): { message: string; details: FieldProblem[] } {
  // An unknown field is reported under its own name, so clients can find it like any other field.
  const details = issues.flatMap((issue) =>
    (issue.keys ?? [undefined]).map((key) => ({
      field: formatFieldPath(key === undefined ? issue.path : [...issue.path, key]) || 'body',
      message: issue.message,
    })),
  );
  const first = details[0]?.message ?? 'the request is invalid';
  const more = details.length > 1 ? ` (and ${details.length - 1} more problem${details.length > 2 ? 's' : ''} in details)` : '';
  return { message: `${first}${more}`, details };
}
