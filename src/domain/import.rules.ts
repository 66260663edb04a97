import type { ProblemCode } from './problem.codes.js';
import type { Problem } from './errors.js';

/** Shared checks for CSV rows: ids, lists, enumerations, booleans. */

/** A CSV file read into a header and rows, each row with its line number. */
export interface CsvTable {
  header: string[];
  rows: { line: number; cells: string[] }[];
}

const CONTROL_RE = /[\u0000-\u001f\u007f]/;

/**
 * Characters no imported cell or posted text may hold: C0 controls but tab (and the newlines that
 * end rows), DEL and the C1 controls, and the invisible ones that spoof what a reader sees —
 * zero-width spaces and joiners, direction marks, embeddings, overrides and isolates, the BOM.
 */
export const CSV_CONTROL =
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/;
const TEXT_CONTROL =
  /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/;
/** The longest cell an import takes, in characters. */
export const CSV_CELL_MAX = 4096;

/** What a text is refused for: a code, its numbers, and the words. */
export interface TextProblem {
  code: ProblemCode;
  message: string;
  params?: Record<string, number>;
}

/**
 * A control character in a text, named by its code point and position: any but tab, and
 * newlines too unless they are allowed (free text posted over the API).
 */
export function controlCharacterProblem(text: string, newlines: boolean): TextProblem | null {
  const m = (newlines ? CSV_CONTROL : TEXT_CONTROL).exec(text);
  if (!m) return null;
  const code = m[0].charCodeAt(0);
  const point = code.toString(16).toUpperCase().padStart(4, '0');
  const what = code < 0xa0 ? 'control' : 'invisible or direction-changing';
  return {
    code: 'control_character',
    message: `contains the ${what} character U+${point} at position ${m.index + 1}`,
  };
}

/**
 * An e-mail address that mixes scripts (a Cyrillic `а` inside a Latin address): one that looks
 * like another person's. Letters of one script, plus digits and punctuation, pass.
 */
export function mixedScriptProblem(email: string): TextProblem | null {
  const scripts = new Set<string>();
  for (const ch of email) {
    if (/\p{Script=Latin}/u.test(ch)) scripts.add('Latin');
    else if (/\p{Script=Cyrillic}/u.test(ch)) scripts.add('Cyrillic');
    else if (/\p{Script=Greek}/u.test(ch)) scripts.add('Greek');
    else if (/\p{L}/u.test(ch)) scripts.add('other');
  }
  return scripts.size > 1
    ? {
        code: 'mixed_script',
        message: `mixes ${[...scripts].sort().join(' and ')} letters: it would look like another address`,
      }
    : null;
}

/** A text longer than `max` characters. */
export function tooLongProblem(text: string, max: number): TextProblem | null {
  return text.length > max
    ? {
        code: 'too_long',
        params: { maximum: max },
        message: `is ${text.length} characters long; at most ${max}`,
      }
    : null;
}

/** Why a cell is refused: a control character (newlines included) or its length. */
export function cellProblem(cell: string): TextProblem | null {
  return controlCharacterProblem(cell, false) ?? tooLongProblem(cell, CSV_CELL_MAX);
}

/** Trims an id; null with a reason when it is empty or has control characters. */
export function readId(raw: string): { id: string } | { error: string; code: ProblemCode } {
  const id =
    raw.length > 0 && raw.charCodeAt(0) > 32 && raw.charCodeAt(raw.length - 1) > 32
      ? raw
      : raw.trim();
  if (id === '') return { error: 'is required', code: 'required' };
  if (CONTROL_RE.test(id))
    return { error: 'contains control characters', code: 'control_character' };
  return { id };
}

/** Splits a `;` list cell, trimming and dropping empty items and duplicates. */
export function readList(raw: string, lower: boolean): string[] {
  if (raw === '') return [];
  if (!raw.includes(';')) {
    const one = lower ? raw.trim().toLowerCase() : raw.trim();
    return one === '' ? [] : [one];
  }
  const items = raw
    .split(';')
    .map((s) => (lower ? s.trim().toLowerCase() : s.trim()))
    .filter((s) => s !== '');
  return [...new Set(items)];
}

/** An optional text cell: empty means no value. */
export function readText(raw: string): string | null {
  const t = raw.trim();
  return t === '' ? null : t;
}

/** Collects the problems of one file, in line order. */
export class RowProblems {
  readonly list: Problem[] = [];
  constructor(private readonly fileName: string) {}
  add(
    line: number,
    column: string,
    value: string,
    message: string,
    code: ProblemCode,
    params?: Record<string, string | number>,
  ): void {
    this.list.push({
      where: `${this.fileName}:${line} ${column}`,
      value,
      code,
      ...(params ? { params } : {}),
      message,
    });
  }
}

/** Checks the header: required columns present, unknown ones refused unless ignored. */
export function checkHeader(
  header: string[],
  known: readonly string[],
  required: readonly string[],
  ignoreUnknown: boolean,
  fileName: string,
): Problem[] {
  const problems: Problem[] = [];
  const seen = new Set<string>();
  header.forEach((h, i) => {
    if (seen.has(h))
      problems.push({
        where: `${fileName}:1 column ${i + 1}`,
        value: h,
        code: 'column_twice',
        message: 'column appears twice',
      });
    seen.add(h);
    if (!known.includes(h) && !ignoreUnknown) {
      problems.push({
        where: `${fileName}:1 column ${i + 1}`,
        value: h,
        code: 'unknown_column',
        params: { known: known.join(', ') },
        message: `unknown column (known: ${known.join(', ')}; --ignore-unknown skips it)`,
      });
    }
  });
  for (const r of required) {
    if (!seen.has(r))
      problems.push({
        where: `${fileName}:1`,
        value: r,
        code: 'missing_column',
        params: { column: r },
        message: `required column ${r} is missing`,
      });
  }
  return problems;
}

/** Reads cells by column name; absent columns read as undefined. */
export function cellReader(
  header: string[],
): (cells: string[], column: string) => string | undefined {
  const index = new Map(header.map((h, i) => [h, i]));
  return (cells, column) => {
    const i = index.get(column);
    return i === undefined ? undefined : (cells[i] ?? '');
  };
}
