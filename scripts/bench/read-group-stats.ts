/** Running totals of the server's commit groups, from its Prometheus metrics. */
export interface GroupStats {
  /** Name of the group size histogram, without the `_sum` or `_count` suffix. */
  metric: string;
  /** Groups committed so far (the histogram's `_count`). */
  groups: number;
  /** Sum of the histogram's observations: units or events, depending on the server. */
  observed: number;
  /** Events appended so far, when the server exports a counter of them. */
  events: number | undefined;
}

/**
 * Reads the commit group statistics from the server's `GET /metrics` (Prometheus text format).
 * Returns undefined when the server has no metrics route or no group histogram, so callers
 * fall back to an assumed group size.
 */
export async function readGroupStats(baseUrl: string): Promise<GroupStats | undefined> {
  let text: string;
  try {
    const response = await fetch(`${baseUrl}/metrics`);
    if (!response.ok) return undefined;
    text = await response.text();
  } catch {
    return undefined;
  }
  return parseGroupStats(text);
}

/**
 * Finds the group size histogram: the first one whose name contains `group` and no time or
 * byte unit (`seconds`, `duration`, `bytes`). The events counter is the first counter whose
 * name contains `events` and `appended`. Series with labels are added up.
 */
export function parseGroupStats(text: string): GroupStats | undefined {
  const totals = sampleTotals(text);
  const histogram = [...totals.keys()]
    .filter((name) => name.endsWith('_count') && name.includes('group') && !/seconds|duration|bytes/.test(name))
    .map((name) => name.slice(0, -'_count'.length))
    .find((base) => totals.has(`${base}_sum`));
  if (histogram === undefined) return undefined;
  const eventsCounter = [...totals.keys()].find((name) => name.includes('events') && name.includes('appended') && name.endsWith('_total'));
  return {
    metric: histogram,
    groups: totals.get(`${histogram}_count`)!,
    observed: totals.get(`${histogram}_sum`)!,
    events: eventsCounter === undefined ? undefined : totals.get(eventsCounter),
  };
}

/** Adds up the samples of each metric name across label sets; comments are skipped. */
function sampleTotals(text: string): Map<string, number> {
  const totals = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{[^}]*\})?\s+(\S+)/.exec(line);
    if (match === null) continue;
    const value = Number(match[2]);
    if (Number.isFinite(value)) totals.set(match[1]!, (totals.get(match[1]!) ?? 0) + value);
  }
  return totals;
}

/** Mean group size between two readings, and whether it counts events or the histogram's own unit. */
export interface GroupMean {
  size: number;
  unit: 'events' | 'observed';
}

/** Returns the mean group size between two readings, or undefined when no group was committed in between. */
export function meanGroupSize(before: GroupStats | undefined, after: GroupStats | undefined): GroupMean | undefined {
  if (before === undefined || after === undefined || after.groups <= before.groups) return undefined;
  const groups = after.groups - before.groups;
  if (before.events !== undefined && after.events !== undefined) return { size: (after.events - before.events) / groups, unit: 'events' };
  return { size: (after.observed - before.observed) / groups, unit: 'observed' };
}
