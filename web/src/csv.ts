import { CSV_DIALECTS, type CsvDialect } from '../../src/domain/csv.dialects.js';

const STORAGE = 'phaseout.csvDialect';

/**
 * The CSV dialect downloads come in: the one chosen (remembered beside the language), else
 * Russian Excel's when the console speaks Russian, else plain CSV.
 */
export function csvDialect(language: string): CsvDialect {
  const saved = localStorage.getItem(STORAGE);
  if ((CSV_DIALECTS as readonly string[]).includes(saved ?? '')) return saved as CsvDialect;
  return language === 'ru' ? 'excel-ru' : 'csv';
}

/** Remembers the dialect chosen. */
export function setCsvDialect(dialect: CsvDialect): void {
  localStorage.setItem(STORAGE, dialect);
}

/** A CSV download's address in the dialect in use (`&dialect=excel-ru`). */
export function csvHref(url: string, language: string): string {
  const d = csvDialect(language);
  return d === 'csv' ? url : `${url}${url.includes('?') ? '&' : '?'}dialect=${d}`;
}
