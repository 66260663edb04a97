/**
 * Date and number formats, made once per language and options: building an `Intl` format costs
 * far more than using one, and a list formats every row.
 */
const made = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat>();

export function dateFormat(lang: string, o: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `d|${lang}|${JSON.stringify(o)}`;
  let f = made.get(key) as Intl.DateTimeFormat | undefined;
  if (!f) made.set(key, (f = new Intl.DateTimeFormat(lang, o)));
  return f;
}

export function numberFormat(lang: string, o: Intl.NumberFormatOptions = {}): Intl.NumberFormat {
  const key = `n|${lang}|${JSON.stringify(o)}`;
  let f = made.get(key) as Intl.NumberFormat | undefined;
  if (!f) made.set(key, (f = new Intl.NumberFormat(lang, o)));
  return f;
}
