/**
 * The one folding rule of search (names, e-mails, units, serials, models): what a reader types
 * finds what is stored whatever its case, accents or compatibility forms. Unicode compatibility
 * decomposition (NFKD: `ﬁ` → `fi`, full-width `Ｉ` → `I`), every combining mark dropped (`é` →
 * `e`, `ё` → `е`) but the breve of `й` (a letter of its own in Russian), then lower case
 * (`Иванов`, `ИВАНОВ` → `иванов`; `ß` → `ss`). Pure: the store keeps the folded text beside the
 * original and both databases compare the folded forms.
 */
export function foldText(text: string): string {
  // Plain ASCII (most ids, serials, models and e-mails) folds by lower case alone.
  if (/^[\u0000-\u007f]*$/.test(text)) return text.toLowerCase();
  return text
    .normalize('NFKD')
    .replace(/([иИ])\u0306/g, '$1\u0306\u0000')
    .replace(/\p{M}(?!\u0000)/gu, '')
    .replace(/\u0000/g, '')
    .normalize('NFC')
    .toLowerCase()
    .replace(/ß/g, 'ss');
}

/** Whether folded `haystack` holds every word of `query`, each folded (a search for "иван петр"). */
export function matchesFolded(haystack: string, query: string): boolean {
  const words = foldText(query).split(/\s+/).filter(Boolean);
  return words.every((w) => haystack.includes(w));
}

/** What a person is found by: id, name and e-mail, folded (stored in `people.search`). */
export function personSearchText(p: { id: string; name: string; email: string | null }): string {
  return foldText([p.id, p.name, p.email ?? ''].join('\n'));
}

/** What a device is found by: id, maker, model, serial and IMEI, folded (`devices.search`). */
export function deviceSearchText(d: {
  id: string;
  manufacturer: string | null;
  model: string | null;
  serial: string | null;
  imei: string | null;
}): string {
  return foldText([d.id, d.manufacturer, d.model, d.serial, d.imei].map((x) => x ?? '').join('\n'));
}

/** LIKE patterns, one per word of a search, folded; `%`, `_` and `\` taken literally. */
export function wordPatterns(query: string): string[] {
  return foldText(query)
    .split(/\s+/)
    .filter(Boolean)
    .map((w) => `%${w.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
}
