import type { FieldProblem } from './error-codes';

interface IssueLike {
  path: readonly PropertyKey[];
  message: string;
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
  const details = issues.map((issue) => ({ field: formatFieldPath(issue.path) || 'body', message: issue.message }));
  const first = details[0]?.message ?? 'the request is invalid';
  const more = details.length > 1 ? ` (and ${details.length - 1} more problem${details.length > 2 ? 's' : ''} in details)` : '';
  return { message: `${first}${more}`, details };
}
