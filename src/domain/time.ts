import { DateTime, Duration, IANAZone } from 'luxon';

/** Milliseconds since the epoch: the one representation of an instant inside phaseout. */
export type Instant = number;

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
const HAS_OFFSET_RE = /(Z|[+-]\d{2}(:?\d{2})?)$/i;

/** True when `zone` is a valid IANA time zone name. */
export function isValidZone(zone: string): boolean {
  return IANAZone.isValidZone(zone);
}

/** True when `text` is a real calendar day written `YYYY-MM-DD`. */
export function isDay(text: string): boolean {
  return DATE_RE.test(text) && DateTime.fromISO(text, { zone: 'UTC' }).isValid;
}

/** The instant 00:00 of `day` begins in `zone`. */
export function startOfDay(day: string, zone: string): Instant {
  return DateTime.fromISO(day, { zone }).startOf('day').toMillis();
}

/** The instant `day` ends in `zone` (00:00 of the next day). */
export function endOfDay(day: string, zone: string): Instant {
  return DateTime.fromISO(day, { zone }).startOf('day').plus({ days: 1 }).toMillis();
}

/**
 * Reads a timestamp or a bare date; without an offset it is read in `zone`.
 * Returns null when the text is no valid time.
 */
export function parseInstant(text: string, zone: string): Instant | null {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  if (DATE_RE.test(trimmed)) return isDay(trimmed) ? startOfDay(trimmed, zone) : null;
  const withOffset = HAS_OFFSET_RE.test(trimmed);
  const parsed = DateTime.fromISO(trimmed, withOffset ? { setZone: true } : { zone });
  return parsed.isValid ? parsed.toMillis() : null;
}

/** UTC ISO 8601 with milliseconds. */
export function formatInstant(at: Instant): string {
  return new Date(at).toISOString();
}

/** The day (`YYYY-MM-DD`) an instant falls on in `zone`. */
export function dayOf(at: Instant, zone: string): string {
  return DateTime.fromMillis(at, { zone }).toISODate() ?? '';
}

/** Parses an ISO 8601 duration such as `P30D`; null when invalid. */
export function parseDuration(text: string): Duration | null {
  const d = Duration.fromISO(text);
  return d.isValid ? d : null;
}

/** Adds an ISO duration to an instant, calendar-aware in `zone`. */
export function addDuration(at: Instant, duration: Duration, zone: string): Instant {
  return DateTime.fromMillis(at, { zone }).plus(duration).toMillis();
}

export const DAY_MS = 86_400_000;
