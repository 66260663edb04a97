import { foldText } from './text.fold.js';

/**
 * Orders two strings by Unicode code point, as CEL specifies for strings and as SQLite (BINARY)
 * and PostgreSQL (`collate "C"`) compare UTF-8. JavaScript's `<` compares UTF-16 code units,
 * which puts a character beyond U+FFFF (a surrogate pair, D800–DFFF) before U+E000–U+FFFF.
 */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Both below the surrogates, or both at or above: code units order as code points.
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs === ys || x < 0xd800 || y < 0xd800) return x - y;
    // One surrogate against U+E000–U+FFFF: the surrogate's code point is the greater.
    return xs ? 1 : -1;
  }
  return a.length - b.length;
}

/**
 * The key names are ordered by, the same in every place that orders them — the services, CSV and
 * PDF exports, the console, and both databases (stored beside a person's name as
 * `people.name_key`, compared bytewise): the folded text (`text.fold.ts`: any case, `ё` as `е`,
 * accents ignored, `й` kept), numbers by value (`Отдел 2` before `Отдел 10`: each run of digits
 * carries its length first), then by code point. Latin before Cyrillic, each in its alphabet.
 */
export function sortKey(text: string): string {
  return foldText(text).replace(/\d+/g, (digits) => {
    const n = digits.replace(/^0+(?=\d)/, '');
    return String.fromCharCode(0x30 + Math.min(n.length, 15)) + n;
  });
}

/**
 * The one order of names and other text shown to people (`sortKey`, ties by code point). Each
 * comparator keeps the keys it made: make one per sort.
 */
export function compareText(): (a: string, b: string) => number {
  const keys = new Map<string, string>();
  const key = (s: string): string => {
    let k = keys.get(s);
    if (k === undefined) keys.set(s, (k = sortKey(s)));
    return k;
  };
  return (a, b) => (a === b ? 0 : compareCodePoints(key(a), key(b)) || compareCodePoints(a, b));
}
