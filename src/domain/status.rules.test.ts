import { describe, expect, it } from 'vitest';
import { forecast } from './status.rules.js';

const T = Date.UTC(2023, 2, 25);
const DUE_END = Date.UTC(2023, 3, 2);

describe('forecast', () => {
  it('is complete at T when nothing is open', () => {
    expect(forecast(T, 0, 0, DUE_END)).toEqual({
      ratePerDay: 0,
      projectedCompletion: '2023-03-25T00:00:00.000Z',
      onTrack: true,
    });
  });
  it('has no projection when nothing was resolved in 14 days', () => {
    expect(forecast(T, 0, 5, DUE_END)).toEqual({
      ratePerDay: 0,
      projectedCompletion: null,
      onTrack: false,
    });
  });
  it('projects open ÷ rate days ahead and compares with the end of the due day', () => {
    expect(forecast(T, 14, 7, DUE_END)).toEqual({
      ratePerDay: 1,
      projectedCompletion: '2023-04-01T00:00:00.000Z',
      onTrack: true,
    });
    expect(forecast(T, 14, 9, DUE_END).onTrack).toBe(false);
    expect(forecast(T, 14, 9, null).onTrack).toBe(true);
  });
});
