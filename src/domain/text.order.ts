import type { Language } from './texts/languages.js';

const collators = new Map<Language, Intl.Collator>();

/**
 * The one order of names and other text shown to people: alphabetical for the reader's language
 * (Unicode's collation with its tailoring — in Russian, Cyrillic first, `ё` beside `е`, `й` after
 * `и`), case-insensitive, numbers by value (`Отдел 2` before `Отдел 10`).
 */
export function compareText(language: Language = 'en'): (a: string, b: string) => number {
  let c = collators.get(language);
  if (!c) {
    c = new Intl.Collator(language, { sensitivity: 'base', numeric: true });
    collators.set(language, c);
  }
  return c.compare;
}
