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

/** One way to write a day per language: `7 Dec 2026`, `7 дек. 2026` (days are UTC dates). */
export function formatDay(lang: string, at: Date): string {
  return dateFormat(localeOf(lang), { dateStyle: 'medium', timeZone: 'UTC' })
    .format(at)
    .replace(/\s?г\.$/, '');
}

/** One way to write a moment per language: `7 Dec 2026, 14:05`, `7 дек. 2026, 14:05`. */
export function formatMoment(lang: string, at: Date, timeZone?: 'UTC'): string {
  return dateFormat(localeOf(lang), {
    dateStyle: 'medium',
    timeStyle: 'short',
    ...(timeZone ? { timeZone } : {}),
  })
    .format(at)
    .replace(/\s?г\.,/, ',');
}

/** The same moment in UTC (records kept in UTC: the audit log, custody, order steps). */
export function formatMomentUtc(lang: string, at: Date): string {
  return formatMoment(lang, at, 'UTC');
}

/** English days are written the British way (7 Dec 2026), as the rest of the world reads them. */
function localeOf(lang: string): string {
  return lang === 'en' ? 'en-GB' : lang;
}
