import { isUtf8 } from 'node:buffer';
import Papa from 'papaparse';
import iconv from 'iconv-lite';
import { invalidInput, type Problem } from '../domain/errors.js';
import { cellProblem, CSV_CELL_MAX, CSV_CONTROL } from '../domain/import.rules.js';
import type { CsvTable } from '../domain/import.rules.js';

export type { CsvTable };

export interface CsvOptions {
  delimiter?: string;
  encoding?: string;
  /** The file's bytes were found free of control characters (`hasControlBytes`): not scanned again. */
  controlChecked?: boolean;
}

/**
 * Decodes bytes (UTF-8 with an optional BOM, or windows-1251) into text. Bytes that are not
 * UTF-8 are refused, naming their line, unless another encoding was declared: nothing is
 * stored with a replacement character in place of what the file said.
 */
export function decodeCsv(bytes: Buffer, encoding = 'utf-8', fileName = 'the file'): string {
  const enc = encoding.toLowerCase();
  if (enc === 'utf-8' || enc === 'utf8') {
    if (!isUtf8(bytes)) {
      const problems: Problem[] = [];
      let line = 1;
      for (let start = 0; start < bytes.length && problems.length < 100; line++) {
        const nl = bytes.indexOf(0x0a, start);
        const end = nl < 0 ? bytes.length : nl;
        if (!isUtf8(bytes.subarray(start, end)))
          problems.push({
            where: `${fileName}:${line}`,
            code: 'not_utf8',
            message:
              'is not valid UTF-8: save the file as UTF-8, or name its encoding (--encoding windows-1251)',
          });
        start = end + 1;
      }
      throw invalidInput(`${fileName} is not valid UTF-8`, problems);
    }
    const text = bytes.toString('utf8');
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  }
  if (enc === 'windows-1251' || enc === 'cp1251') return iconv.decode(bytes, 'win1251');
  throw invalidInput(`unknown encoding ${encoding}`, [
    {
      where: '--encoding',
      code: 'unknown_encoding',
      message: 'use utf-8 or windows-1251',
      value: encoding,
    },
  ]);
}

/** Detects `,` or `;` from the header line: whichever appears more often outside quotes. */
export function detectDelimiter(text: string): string {
  const firstLine = text.slice(typeLineLength(text)).split(/\r?\n/, 1)[0] ?? '';
  const unquoted = firstLine.replace(/"[^"]*"/g, '');
  const commas = unquoted.split(',').length - 1;
  const semicolons = unquoted.split(';').length - 1;
  return semicolons > commas ? ';' : ',';
}

/**
 * PowerShell's `Export-Csv` (Windows PowerShell 5.1, Graph exports) writes a first line
 * `#TYPE Microsoft.Graph…` before the header: its length with its line end, else 0. The line is
 * skipped and still counted in line numbers.
 */
function typeLineLength(text: string): number {
  const m = /^(?:\uFEFF)?#TYPE [^\n]*\n/.exec(text);
  return m ? m[0].length : 0;
}

function countNewlines(cells: string[]): number {
  let n = 0;
  for (const c of cells) {
    for (let i = c.indexOf('\n'); i >= 0; i = c.indexOf('\n', i + 1)) n++;
  }
  return n;
}

/**
 * Parses RFC 4180 CSV (papaparse: fast enough for millions of rows); refuses an empty file and
 * quoting errors with their line. Empty lines are skipped but still counted in line numbers.
 */
export function parseCsv(text: string, fileName: string, options: CsvOptions = {}): CsvTable {
  if (text.trim() === '') {
    throw invalidInput(`${fileName} is empty`, [
      {
        where: fileName,
        code: 'empty_file',
        message: 'the file is empty; a CSV needs at least a header row',
      },
    ]);
  }
  const delimiter = options.delimiter ?? detectDelimiter(text);
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n') {
    throw invalidInput('bad delimiter', [
      {
        where: '--delimiter',
        code: 'bad_delimiter',
        message: 'must be one character',
        value: delimiter,
      },
    ]);
  }
  const result = Papa.parse<string[]>(text, { delimiter, skipEmptyLines: false, header: false });
  const records = result.data;
  // Line of each record: one per record, plus the newlines inside its quoted cells.
  const mayHaveQuotedNewlines = text.includes('"');
  const lines: number[] = new Array<number>(records.length);
  let line = 1;
  for (let i = 0; i < records.length; i++) {
    lines[i] = line;
    line += 1 + (mayHaveQuotedNewlines ? countNewlines(records[i]!) : 0);
  }
  if (result.errors.length > 0) {
    const problems: Problem[] = result.errors.map((e) => ({
      where: `${fileName}:${e.row !== undefined ? (lines[e.row] ?? '?') : '?'}`,
      code: 'csv_syntax',
      params: { detail: e.message },
      message: e.message,
    }));
    throw invalidInput(`${fileName} is not valid CSV`, problems);
  }
  const isEmpty = (r: string[]): boolean => r.length === 1 && r[0] === '';
  let first = typeLineLength(text) > 0 ? 1 : 0;
  while (first < records.length && isEmpty(records[first]!)) first++;
  const header = (records[first] ?? []).map((h) => h.trim().toLowerCase());
  refuseBadCells(text, fileName, delimiter, header, {
    control: options.controlChecked !== true && CSV_CONTROL.test(text),
    long: hasLongLine(text),
  });
  const rows: CsvTable['rows'] = [];
  for (let i = first + 1; i < records.length; i++) {
    const cells = records[i]!;
    if (!isEmpty(cells)) rows.push({ line: lines[i]!, cells });
  }
  return { header, rows };
}

const CONTROL_BYTES = [
  0, 1, 2, 3, 4, 5, 6, 7, 8, 11, 12, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29,
  30, 31, 127,
];

/**
 * Lead bytes of the UTF-8 forms of the other characters a cell may not hold: C1 controls
 * (C2 80–9F), zero-width and direction characters (E2 80/81 …), the BOM (EF BB BF). Their
 * presence only sends the text to the exact check.
 */
const MAYBE_INVISIBLE = [0xc2, 0xe2, 0xef];

/**
 * Whether a file's bytes may hold a character a cell may not (memchr per byte value: fast): a C0
 * control for sure, or a lead byte of an invisible one, which the text check then decides.
 */
export function hasControlBytes(bytes: Buffer): boolean {
  return (
    CONTROL_BYTES.some((b) => bytes.includes(b)) || MAYBE_INVISIBLE.some((b) => bytes.includes(b))
  );
}

/** Whether a text has a line longer than the longest cell (no cell of a shorter line can be). */
function hasLongLine(text: string): boolean {
  let prev = -1;
  for (let i = text.indexOf('\n'); ; i = text.indexOf('\n', i + 1)) {
    const end = i < 0 ? text.length : i;
    if (end - prev - 1 > CSV_CELL_MAX) return true;
    if (i < 0) return false;
    prev = i;
  }
}

/**
 * Every cell holding a control character (tab aside) or longer than the limit, with its line
 * and column, when a scan of the whole file found that there may be one (`suspect`). Refuses
 * the file listing them all.
 */
function refuseBadCells(
  text: string,
  fileName: string,
  delimiter: string,
  header: string[],
  suspect: { control: boolean; long: boolean },
): void {
  if (!suspect.control && !suspect.long) return;
  const problems: Problem[] = [];
  let line = 1;
  for (let start = 0; start <= text.length; line++) {
    const nl = text.indexOf('\n', start);
    const end = nl < 0 ? text.length : nl;
    const lineText = text.slice(start, end);
    if (CSV_CONTROL.test(lineText) || lineText.length > CSV_CELL_MAX) {
      const cells = Papa.parse<string[]>(lineText, { delimiter }).data[0] ?? [lineText];
      cells.forEach((cell, i) => {
        const why = cellProblem(cell);
        if (why)
          problems.push({
            where: `${fileName}:${line} ${header[i] ?? `column ${i + 1}`}`,
            value: cell.slice(0, 40),
            ...why,
          });
      });
    }
    if (nl < 0) break;
    start = nl + 1;
  }
  if (problems.length > 0)
    throw invalidInput(
      `${fileName}: ${problems.length} bad cell(s); nothing was imported`,
      problems,
    );
}

/** A CSV file read in chunks of rows: the header first, then rows as they are needed. */
export interface CsvChunks {
  header: string[];
  /** About how many rows follow (newlines counted), for sizing the work. */
  approxRows: number;
  chunks(): Generator<CsvTable['rows']>;
}

/**
 * Reads a large CSV chunk by chunk so that memory stays bounded. Files with quotes are parsed
 * whole (a quoted newline may not be split), then handed out in chunks all the same.
 */
export function parseCsvChunks(
  text: string,
  fileName: string,
  options: CsvOptions = {},
  size = 50_000,
): CsvChunks {
  let approxRows = -1; // the header's newline is not a row
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) approxRows++;
  approxRows = Math.max(0, approxRows);
  if (text.includes('"') || text.length < 1 << 20) {
    const table = parseCsv(text, fileName, options);
    return {
      header: table.header,
      approxRows,
      *chunks() {
        for (let i = 0; i < table.rows.length; i += size) yield table.rows.slice(i, i + size);
      },
    };
  }
  // No quotes anywhere: every newline ends a record, so the text can be cut at newlines.
  const typeLine = typeLineLength(text);
  const firstEnd = text.indexOf('\n', typeLine);
  const head = parseCsv(firstEnd < 0 ? text : text.slice(0, firstEnd + 1), fileName, options);
  const delimiter = options.delimiter ?? detectDelimiter(text);
  refuseBadCells(text, fileName, delimiter, head.header, {
    control: options.controlChecked !== true && CSV_CONTROL.test(text),
    long: hasLongLine(text),
  });
  return {
    header: head.header,
    approxRows,
    *chunks() {
      let start = firstEnd + 1;
      let line = typeLine > 0 ? 3 : 2;
      while (firstEnd >= 0 && start < text.length) {
        // Cut after `size` newlines (or at the end of the text).
        let end = start - 1;
        let lines = 0;
        while (lines < size) {
          const next = text.indexOf('\n', end + 1);
          if (next < 0) break;
          end = next;
          lines++;
        }
        const stop = lines < size ? text.length : end + 1;
        const records = Papa.parse<string[]>(text.slice(start, stop), {
          delimiter,
          skipEmptyLines: false,
        }).data;
        const rows: CsvTable['rows'] = [];
        for (let i = 0; i < records.length; i++) {
          const cells = records[i]!;
          if (!(cells.length === 1 && cells[0] === '')) rows.push({ line: line + i, cells });
        }
        line += lines;
        start = stop;
        yield rows;
      }
    },
  };
}
