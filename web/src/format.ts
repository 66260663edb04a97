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

/**
 * How long ago an instant was, in the language ("3 days ago", "3 дня назад"): minutes within an
 * hour, hours within a day, else days.
 */
export function timeAgo(lang: string, iso: string, now = Date.now()): string {
  const f = new Intl.RelativeTimeFormat(lang, { numeric: 'auto' });
  const minutes = Math.round((Date.parse(iso) - now) / 60_000);
  if (Math.abs(minutes) < 60) return f.format(minutes, 'minute');
  if (Math.abs(minutes) < 1440) return f.format(Math.round(minutes / 60), 'hour');
  return f.format(Math.round(minutes / 1440), 'day');
}
