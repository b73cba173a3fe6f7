/** A table of text cells. */
export interface TextTable {
  headers: string[];
  rows: string[][];
  /** Indexes of the columns that hold numbers and are right-aligned; the others are left-aligned. */
  numericColumns: number[];
}

/** Formats a GitHub-flavoured Markdown table. Pipes inside cells are escaped. */
export function markdownTable(table: TextTable): string {
  const escape = (cell: string) => cell.replaceAll('|', '\\|');
  const line = (cells: string[]) => `| ${cells.map(escape).join(' | ')} |`;
  const separator = `| ${table.headers.map((_, index) => (table.numericColumns.includes(index) ? '---:' : '---')).join(' | ')} |`;
  return [line(table.headers), separator, ...table.rows.map(line)].join('\n');
}

/** Formats a plain-text table with padded columns, for a terminal. */
export function consoleTable(table: TextTable): string {
  const all = [table.headers, ...table.rows];
  const widths = table.headers.map((_, column) => Math.max(...all.map((cells) => (cells[column] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((cell, column) => (table.numericColumns.includes(column) ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!))).join('  ').trimEnd();
  return [line(table.headers), widths.map((width) => '-'.repeat(width)).join('  '), ...table.rows.map(line)].join('\n');
}
