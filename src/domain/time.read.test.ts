import { describe, expect, it } from 'vitest';
import { readWrittenTime } from './time.read.js';

const iso = (text: string, zone = 'Europe/Moscow'): string | null => {
  const at = readWrittenTime(text, zone);
  return at === null ? null : new Date(at).toISOString();
};

describe('times as spreadsheets and vendors write them', () => {
  it('reads ISO 8601 with any fraction, a space for T, and an offset when given', () => {
    expect(iso('2026-12-07 06:14:12.0000000', 'UTC')).toBe('2026-12-07T06:14:12.000Z');
    expect(iso('2026-12-07T06:14:12.1239999+03:00')).toBe('2026-12-07T03:14:12.123Z');
    expect(iso('2026-12-07T06:14:12Z')).toBe('2026-12-07T06:14:12.000Z');
    expect(iso('2026-12-07')).toBe('2026-12-06T21:00:00.000Z');
  });
  it('reads Russian Excel, American Excel and Jamf in the zone given', () => {
    expect(iso('07.12.2026 14:05')).toBe('2026-12-07T11:05:00.000Z');
    expect(iso('7.12.2026 14:05:09')).toBe('2026-12-07T11:05:09.000Z');
    expect(iso('07.12.2026')).toBe('2026-12-06T21:00:00.000Z');
    expect(iso('12/7/2026 6:14:12 AM', 'UTC')).toBe('2026-12-07T06:14:12.000Z');
    expect(iso('12/7/2026 6:14 pm', 'UTC')).toBe('2026-12-07T18:14:00.000Z');
    expect(iso('12/7/2026 18:14', 'UTC')).toBe('2026-12-07T18:14:00.000Z');
    expect(iso('2026-12-07 at 9:14 AM')).toBe('2026-12-07T06:14:00.000Z');
  });
  it('reads epoch milliseconds', () => {
    expect(iso('1796624052000')).toBe('2026-12-07T06:14:12.000Z');
  });
  it('refuses what is no time', () => {
    for (const t of ['31.02.2026', '13/40/2026 1:00 AM', 'yesterday', '2026-13-01', '3.56789E+14'])
      expect(iso(t), t).toBeNull();
    expect(readWrittenTime('  ', 'UTC')).toBeNull();
  });
  it('reads a time in a change of offset the same whatever day it is read', () => {
    // Clocks turned back in New York: 01:30 happens twice; the first is read.
    expect(iso('2023-11-05 01:30:00', 'America/New_York')).toBe('2023-11-05T05:30:00.000Z');
    // Clocks turned forward: 02:30 never happens; it moves on by the hour skipped.
    expect(iso('2023-03-12 02:30:00', 'America/New_York')).toBe('2023-03-12T07:30:00.000Z');
    expect(iso('2023-03-26 02:30:00', 'Europe/Berlin')).toBe('2023-03-26T01:30:00.000Z');
  });
});
