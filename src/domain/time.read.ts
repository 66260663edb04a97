import { DateTime, IANAZone } from 'luxon';
import type { Instant } from './time.js';

/**
 * The shapes of time that spreadsheets and vendors' exports write, besides ISO 8601 (luxon
 * formats; a zone-less time is read in the zone given):
 * - Russian Excel: `07.12.2026`, `07.12.2026 14:05`, `07.12.2026 14:05:09`;
 * - American Excel, Graph PowerShell and Intune re-saved: `12/7/2026 6:14:12 AM`, `12/7/2026 6:14`;
 * - Jamf Pro: `2026-12-07 at 9:14 AM`.
 */
const FORMATS = [
  'd.M.yyyy',
  'd.M.yyyy H:mm',
  'd.M.yyyy H:mm:ss',
  'M/d/yyyy',
  'M/d/yyyy h:mm a',
  'M/d/yyyy h:mm:ss a',
  'M/d/yyyy H:mm',
  'M/d/yyyy H:mm:ss',
  "yyyy-MM-dd 'at' h:mm a",
  "yyyy-MM-dd 'at' h:mm:ss a",
] as const;

const ISO_LIKE =
  /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}(?::\d{2})?)(?:[.,](\d+))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * Reads a time as an export writes it: ISO 8601 with any fraction and zone (`2026-12-07
 * 06:14:12.0000000`, Intune's portal; `2026-12-07T06:14:12Z`, Graph), the spreadsheet and vendor
 * shapes above, or epoch milliseconds. Without a zone or offset it is read in `zone`. Returns
 * null for anything else (the caller names the cell).
 */
export function readWrittenTime(text: string, zone: string): Instant | null {
  const t = text.trim();
  if (t === '') return null;
  if (/^\d{12,13}$/.test(t)) return Number(t);
  const iso = ISO_LIKE.exec(t);
  if (iso) {
    const [, day, clock, fraction, offset] = iso;
    // The common shape (`2026-12-07 06:14:12.0000000`, no offset) read without luxon: an
    // export holds a million of them.
    if (!offset && clock) {
      const fast = fastLocal(day!, clock, fraction, zone);
      if (fast !== null) return fast;
    }
    const ms = fraction ? `.${fraction.slice(0, 3).padEnd(3, '0')}` : '';
    const written = `${day}${clock ? `T${clock}${ms}` : ''}${offset ?? ''}`;
    const parsed = DateTime.fromISO(written, offset ? { setZone: true } : { zone });
    return parsed.isValid ? parsed.toMillis() : null;
  }
  const spaced = t.replace(/\s+/g, ' ');
  for (const f of FORMATS) {
    const parsed = DateTime.fromFormat(spaced, f, { zone, locale: 'en-US' });
    if (parsed.isValid) return parsed.toMillis();
  }
  return null;
}

const ZONES = new Map<string, { zone: IANAZone; byHour: Map<number, number> }>();

/**
 * A zone-less wall-clock time in `zone` as an instant, by arithmetic: the zone's offset is looked
 * up once per quarter of an hour and kept. A time that occurs twice (clocks turned back) reads
 * as its first occurrence; one that never occurs (clocks turned forward) moves on as luxon moves
 * it. Null when the fields are no calendar time (luxon then decides).
 */
function fastLocal(
  day: string,
  clock: string,
  fraction: string | undefined,
  zone: string,
): number | null {
  const y = Number(day.slice(0, 4));
  const mo = Number(day.slice(5, 7));
  const d = Number(day.slice(8, 10));
  const h = Number(clock.slice(0, 2));
  const mi = Number(clock.slice(3, 5));
  const sec = clock.length > 5 ? Number(clock.slice(6, 8)) : 0;
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || sec > 59) return null;
  const ms = fraction ? Number(fraction.slice(0, 3).padEnd(3, '0')) : 0;
  const wall = Date.UTC(y, mo - 1, d, h, mi, sec, ms);
  if (new Date(wall).getUTCDate() !== d) return null;
  if (zone === 'UTC') return wall;
  let z = ZONES.get(zone);
  if (!z) {
    const made = IANAZone.create(zone);
    if (!made.isValid) return null;
    ZONES.set(zone, (z = { zone: made, byHour: new Map() }));
  }
  const offsetAt = (at: number): number => {
    const hour = Math.floor(at / 900_000);
    let o = z.byHour.get(hour);
    if (o === undefined) {
      o = z.zone.offset(at);
      if (z.byHour.size > 100_000) z.byHour.clear();
      z.byHour.set(hour, o);
    }
    return o;
  };
  // The offset at the wall time read as UTC, corrected once (luxon's `fixOffset`, but started
  // from the wall time rather than from today's offset, so the answer never depends on today).
  const o1 = offsetAt(wall);
  let guess = wall - o1 * 60_000;
  const o2 = offsetAt(guess);
  if (o1 === o2) return guess;
  guess -= (o2 - o1) * 60_000;
  const o3 = offsetAt(guess);
  if (o2 === o3) return guess;
  return wall - Math.min(o2, o3) * 60_000;
}
