import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import { invalidInput } from '../domain/errors.js';

/** A CSV file read into a header and rows, each row with its line number. */
export interface CsvTable {
  header: string[];
  rows: { line: number; cells: string[] }[];
}

export interface CsvOptions {
  delimiter?: string;
  encoding?: string;
}

/** Decodes bytes (UTF-8 with an optional BOM, or windows-1251) into text. */
export function decodeCsv(bytes: Buffer, encoding = 'utf-8'): string {
  const enc = encoding.toLowerCase();
  if (enc === 'utf-8' || enc === 'utf8') {
    const text = bytes.toString('utf8');
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  }
  if (enc === 'windows-1251' || enc === 'cp1251') return iconv.decode(bytes, 'win1251');
  throw invalidInput(`unknown encoding ${encoding}`, [
    { where: '--encoding', message: 'use utf-8 or windows-1251', value: encoding },
  ]);
}

/** Detects `,` or `;` from the header line: whichever appears more often outside quotes. */
export function detectDelimiter(text: string): string {
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  const unquoted = firstLine.replace(/"[^"]*"/g, '');
  const commas = unquoted.split(',').length - 1;
  const semicolons = unquoted.split(';').length - 1;
  return semicolons > commas ? ';' : ',';
}

/** Parses RFC 4180 CSV; refuses an empty file and quoting errors with their line. */
export function parseCsv(text: string, fileName: string, options: CsvOptions = {}): CsvTable {
  if (text.trim() === '') {
    throw invalidInput(`${fileName} is empty`, [
      { where: fileName, message: 'the file is empty; a CSV needs at least a header row' },
    ]);
  }
  const delimiter = options.delimiter ?? detectDelimiter(text);
  if (delimiter.length !== 1) {
    throw invalidInput('bad delimiter', [
      { where: '--delimiter', message: 'must be one character', value: delimiter },
    ]);
  }
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      delimiter,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (err) {
    const e = err as { message?: string; lines?: number };
    throw invalidInput(`${fileName} is not valid CSV`, [
      { where: `${fileName}:${e.lines ?? '?'}`, message: e.message ?? String(err) },
    ]);
  }
  const [head, ...body] = records;
  const header = (head?.record ?? []).map((h) => h.trim().toLowerCase());
  return { header, rows: body.map((r) => ({ line: r.info.lines, cells: r.record })) };
}
