import Papa from 'papaparse';
import type { CsvDialect } from '../domain/csv.dialects.js';

/**
 * Cells a spreadsheet would run as a formula (`=`, `+`, `-`, `@`), or that hide one behind a
 * control character (tab, carriage return, NUL…): written with a leading `'` (DESIGN §11).
 */
const FORMULA = /^[=+\-@\u0000-\u001f]/;

/**
 * A text cell holding any character a reader may split on (`,` `;` tab `|`) is quoted, whatever
 * this document's separator: a spreadsheet that splits `see note;=1+1;` on `;` would otherwise
 * find a formula in the middle of a cell.
 */
const SEPARATORS = /[,;\t|]/;
const quoteCell = (value: unknown): boolean => typeof value === 'string' && SEPARATORS.test(value);

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
  return Papa.unparse(data, { escapeFormulae: FORMULA, newline: eol, quotes: quoteCell }) + eol;
}

/**
 * A document written by `writeCsv` in another dialect (`domain/csv.dialects.ts`): for
 * `excel-ru`, `;`-separated, CRLF, UTF-8 with a byte-order mark. Cells were escaped when first
 * written and are not escaped twice.
 */
export function inDialect(csv: string, dialect: CsvDialect): string {
  if (dialect === 'csv') return csv;
  const rows = Papa.parse<string[]>(csv, { delimiter: ',', skipEmptyLines: true }).data;
  return (
    '\uFEFF' +
    Papa.unparse(rows, {
      delimiter: ';',
      newline: '\r\n',
      quotes: quoteCell,
      escapeFormulae: false,
    }) +
    '\r\n'
  );
}
