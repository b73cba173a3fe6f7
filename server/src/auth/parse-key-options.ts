import { apiScopes, type ApiScope } from '../ledger/caller';

const durationUnits: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** Parses a comma-separated scope list such as `events:read,events:write`; throws naming unknown scopes. */
export function parseScopeList(text: string): ApiScope[] {
  const scopes = text.split(',').map((scope) => scope.trim()).filter((scope) => scope !== '');
  if (scopes.length === 0) throw new Error(`--scopes needs at least one of ${apiScopes.join(', ')}`);
  const unknown = scopes.filter((scope) => !(apiScopes as readonly string[]).includes(scope));
  if (unknown.length > 0) throw new Error(`unknown scopes ${unknown.join(', ')}; valid scopes are ${apiScopes.join(', ')}`);
  return scopes as ApiScope[];
}

/**
 * Parses an expiry: a duration from `now` such as `30d`, `12h`, `90m` or `2w`, or an ISO 8601
 * date or date-time such as `2027-01-31` (midnight UTC) or `2027-01-31T12:00:00Z`.
 */
export function parseExpiry(text: string, now: Date): Date {
  const duration = /^(\d{1,6})([mhdw])$/.exec(text.trim());
  if (duration !== null) return new Date(now.getTime() + Number(duration[1]) * durationUnits[duration[2]!]!);
  if (/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/.test(text.trim())) {
    const date = new Date(text.trim());
    if (!Number.isNaN(date.getTime())) return date;
  }
  throw new Error(`--expires must be a duration such as 30d, 12h, 90m or 2w, or an ISO 8601 date such as 2027-01-31T12:00:00Z, got ${JSON.stringify(text)}`);
}
