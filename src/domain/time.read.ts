import { DateTime } from 'luxon';
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
