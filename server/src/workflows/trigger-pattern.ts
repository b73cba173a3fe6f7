/** Maximum length in characters of an event type and of a trigger pattern. */
export const MAX_EVENT_TYPE_LENGTH = 200;

const SEGMENT = /^[A-Za-z0-9_-]+$/;
const WHITESPACE = /\s/;

/**
 * A parsed trigger pattern. `segments` are the segments before a trailing `>`, where `*`
 * matches exactly one segment, and `matchesRest` is true when the pattern ended in `>`.
 */
export type TriggerPattern = {
  readonly source: string;
  readonly segments: readonly string[];
  readonly matchesRest: boolean;
};

export type ParseTriggerPatternResult =
  | { ok: true; pattern: TriggerPattern }
  | { ok: false; message: string };

/**
 * Parses a trigger pattern for event types made of dot-separated segments.
 *
 * A segment is either literal (`[A-Za-z0-9_-]+`, compared case-sensitively), `*` for
 * exactly one segment, or `>` as the last segment for one or more segments. So
 * `support.>` matches `support.ticket` and `support.ticket.created` but not `support`,
 * and `>` alone matches every event type. Wildcards must fill a whole segment.
 */
export function parseTriggerPattern(pattern: string): ParseTriggerPatternResult {
  const patternError = checkPatternText(pattern);
  if (patternError !== undefined) {
    return { ok: false, message: patternError };
  }

  const parts = pattern.split('.');
  for (const [index, part] of parts.entries()) {
    const segmentError = checkSegment(part, index === parts.length - 1, pattern);
    if (segmentError !== undefined) {
      return { ok: false, message: segmentError };
    }
  }

  const matchesRest = parts[parts.length - 1] === '>';
  const segments = matchesRest ? parts.slice(0, -1) : parts;
  return { ok: true, pattern: { source: pattern, segments, matchesRest } };
}

function checkPatternText(pattern: string): string | undefined {
  if (pattern.length === 0) {
    return 'trigger pattern must not be empty; use an event type such as "support.ticket.created", or ">" to match every type';
  }
  if (pattern.length > MAX_EVENT_TYPE_LENGTH) {
    return `trigger pattern must be at most ${MAX_EVENT_TYPE_LENGTH} characters, got ${pattern.length}`;
  }
  if (WHITESPACE.test(pattern)) {
    return `trigger pattern must not contain whitespace, got ${JSON.stringify(pattern)}`;
  }
  return undefined;
}

function checkSegment(segment: string, isLast: boolean, pattern: string): string | undefined {
  const quoted = JSON.stringify(pattern);
  if (segment === '') {
    return `trigger pattern must not have an empty segment, got ${quoted}; remove the leading, trailing or doubled dot`;
  }
  if (segment === '*' || (segment === '>' && isLast)) {
    return undefined;
  }
  if (segment === '>') {
    return `\`>\` may only be the last segment of a trigger pattern, got ${quoted}`;
  }
  if (segment.includes('*') || segment.includes('>')) {
    return `wildcards \`*\` and \`>\` must be a whole segment, got ${JSON.stringify(segment)} in ${quoted}; use "*" for one segment`;
  }
  if (!SEGMENT.test(segment)) {
    return `trigger pattern segment ${JSON.stringify(segment)} in ${quoted} may contain only letters, digits, "_" and "-"`;
  }
  return undefined;
}

/**
 * Tests whether an event type matches a parsed trigger pattern.
 *
 * The type is walked in place without splitting it or building a regular expression,
 * because this runs for every trigger on every published event. An empty segment in
 * `type` never matches a wildcard, but `type` is otherwise assumed to be valid.
 */
export function matchesTrigger(pattern: TriggerPattern, type: string): boolean {
  let start = 0;
  for (const segment of pattern.segments) {
    if (start > type.length) {
      return false;
    }
    const dot = type.indexOf('.', start);
    const end = dot === -1 ? type.length : dot;
    if (!segmentMatches(segment, type, start, end)) {
      return false;
    }
    start = end + 1;
  }

  if (pattern.matchesRest) {
    // `>` needs at least one more non-empty segment after the matched prefix.
    return start < type.length && type[start] !== '.';
  }
  return start === type.length + 1;
}

function segmentMatches(segment: string, type: string, start: number, end: number): boolean {
  if (segment === '*') {
    return end > start;
  }
  return end - start === segment.length && type.startsWith(segment, start);
}
