import { describe, expect, it } from 'vitest';
import { endOfDay, formatInstant, parseInstant, startOfDay } from './time.js';

describe('time', () => {
  it('reads a bare date as 00:00 of that day in the organisation zone', () => {
    expect(formatInstant(parseInstant('2023-03-25', 'UTC')!)).toBe('2023-03-25T00:00:00.000Z');
    expect(formatInstant(parseInstant('2023-03-25', 'Europe/Moscow')!)).toBe(
      '2023-03-24T21:00:00.000Z',
    );
  });
  it('reads a timestamp without offset in the zone and one with an offset as given', () => {
    expect(formatInstant(parseInstant('2023-03-25T10:00', 'Europe/Moscow')!)).toBe(
      '2023-03-25T07:00:00.000Z',
    );
    expect(formatInstant(parseInstant('2023-03-25T10:00:00Z', 'Europe/Moscow')!)).toBe(
      '2023-03-25T10:00:00.000Z',
    );
    expect(formatInstant(parseInstant('2023-03-25T10:00:00+01:00', 'UTC')!)).toBe(
      '2023-03-25T09:00:00.000Z',
    );
  });
  it('refuses what is no time', () => {
    expect(parseInstant('2023-02-30', 'UTC')).toBeNull();
    expect(parseInstant('yesterday', 'UTC')).toBeNull();
    expect(parseInstant('', 'UTC')).toBeNull();
  });
  it('a due day ends at 00:00 of the next day', () => {
    expect(endOfDay('2023-04-01', 'UTC') - startOfDay('2023-04-01', 'UTC')).toBe(86_400_000);
    expect(formatInstant(endOfDay('2023-04-01', 'UTC'))).toBe('2023-04-02T00:00:00.000Z');
  });
});
