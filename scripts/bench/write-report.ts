import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Marker line; the hand-written analysis after it survives every rewrite of the report. */
export const analysisMarker = '<!-- analysis -->';

/**
 * Writes `report` to `path`, followed by the marker line and the text after the marker line of
 * the existing file, so hand-written analysis survives each new run.
 */
export function writeReport(path: string, report: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${report.trimEnd()}\n\n${analysisMarker}\n${keptAnalysis(path)}`);
}

/** Returns the text after the marker line of the file at `path`, or '' when there is none. */
function keptAnalysis(path: string): string {
  let existing: string;
  try {
    existing = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw error;
  }
  const lines = existing.split('\n');
  const markerLine = lines.findIndex((line) => line.trim() === analysisMarker);
  return markerLine === -1 ? '' : lines.slice(markerLine + 1).join('\n');
}
