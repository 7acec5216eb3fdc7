import type { Terminal } from './terminal';

/** Prints aligned columns (plain text: fit for CI logs). */
export function table(terminal: Terminal, headers: string[], rows: string[][]): void {
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]): string => cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd();
  terminal.out(line(headers));
  for (const row of rows) terminal.out(line(row));
}
