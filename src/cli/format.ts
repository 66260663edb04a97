/** Text output for the CLI: aligned tables and CSV safe to open in a spreadsheet. */
import { writeCsv } from '../adapters/csv-write.js';

/** Aligns rows under a header. */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

/** A CSV document with a header row. */
export function formatCsv(header: string[], rows: string[][]): string {
  return writeCsv(header, rows);
}
