import type { Event } from '../../../contracts';

/** Column titles of {@link eventRow}. */
export const eventColumns = ['ID', 'TIMESTAMP', 'TYPE', 'ORG', 'ACTOR'] as const;

/** Formats rows as columns separated by two spaces, with the last column unpadded. */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)));
  const formatRow = (row: readonly string[]) =>
    widths
      .map((width, column) => (column === widths.length - 1 ? (row[column] ?? '') : (row[column] ?? '').padEnd(width)))
      .join('  ')
      .trimEnd();
  return [formatRow(headers), ...rows.map(formatRow)].join('\n');
}

/** Returns the table cells of one event; the actor shows as `type:id`. */
export function eventRow(event: Event): string[] {
  return [event.id, event.timestamp, event.type, event.orgId, `${event.actor.type}:${event.actor.id}`];
}
