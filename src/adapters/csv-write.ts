import Papa from 'papaparse';

/**
 * Cells a spreadsheet would run as a formula (`=`, `+`, `-`, `@`), or that hide one behind a
 * control character (tab, carriage return, NUL…): written with a leading `'` (DESIGN §11).
 */
const FORMULA = /^[=+\-@\u0000-\u001f]/;

/** A cell: text is escaped against formulas; numbers are written as they are. */
export type CsvValue = string | number | boolean | null | undefined;

/**
 * The one CSV writer (papaparse's `unparse`, free of Node APIs so the console uses it too): a
 * header row and rows, quoted where needed, every text cell made safe against formula injection.
 * Lines end in `\n` unless `eol` says `\r\n`; the document ends with a line end.
 */
export function writeCsv(
  header: readonly string[],
  rows: readonly (readonly CsvValue[])[],
  eol: '\n' | '\r\n' = '\n',
): string {
  const data = [[...header], ...rows.map((r) => r.map((v) => v ?? ''))];
  return Papa.unparse(data, { escapeFormulae: FORMULA, newline: eol }) + eol;
}
