import { describe, expect, it } from 'vitest';
import {
  describeWarning,
  judgeShortage,
  nextState,
  refuseSanitisation,
  refuseStep,
  statusAfter,
} from './replacement.rules.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2023, 2, 20);
const DUE_END = Date.UTC(2023, 3, 2);

describe('replacement orders', () => {
  it('takes each step only from the states it follows', () => {
    expect(refuseStep('approve', { state: 'requested', confirmed: false })).toBeNull();
    expect(refuseStep('issue', { state: 'requested', confirmed: false })).toBe(
      'the order is requested: issue needs it approved',
    );
    expect(refuseStep('cancel', { state: 'issued', confirmed: false })).toContain('issued');
    expect(refuseStep('confirm', { state: 'returned', confirmed: true })).toBe(
      'the receipt is confirmed already',
    );
    expect(refuseStep('confirm', { state: 'requested', confirmed: false })).not.toBeNull();
    expect(refuseStep('writeoff', { state: 'issued', confirmed: false })).toBeNull();
    expect(refuseStep('writeoff', { state: 'returned', confirmed: false })).not.toBeNull();
    expect(nextState('writeoff', { state: 'issued', confirmed: false })).toBe('closed');
  });
  it('a swap returns the old device at issue; sanitised closes once receipt is confirmed', () => {
    expect(nextState('issue', { state: 'approved', confirmed: false }, true)).toBe('returned');
    expect(nextState('issue', { state: 'approved', confirmed: false })).toBe('issued');
    expect(nextState('sanitise', { state: 'returned', confirmed: false })).toBe('sanitised');
    expect(nextState('sanitise', { state: 'returned', confirmed: true })).toBe('closed');
    expect(nextState('confirm', { state: 'sanitised', confirmed: false })).toBe('closed');
    expect(nextState('confirm', { state: 'issued', confirmed: false })).toBe('issued');
  });
});

describe('sanitisation', () => {
  it('takes only handed-in devices; a wiped one may still be destroyed', () => {
    expect(refuseSanitisation({ status: 'retired', owner: null }, 'purge')).toBeNull();
    expect(refuseSanitisation({ status: 'wiped', owner: null }, 'destroy')).toBeNull();
    expect(refuseSanitisation({ status: 'wiped', owner: null }, 'clear')).toContain('wiped');
    expect(refuseSanitisation({ status: 'active', owner: 'p1' }, 'purge')).toContain('held by p1');
    expect(refuseSanitisation({ status: 'lost', owner: null }, 'purge')).toContain('lost');
    expect(refuseSanitisation({ status: 'destroyed', owner: null }, 'destroy')).toContain(
      'destroyed',
    );
    expect(statusAfter('clear')).toBe('wiped');
    expect(statusAfter('destroy')).toBe('destroyed');
  });
});

describe('shortage forecast', () => {
  const base = {
    mandate: 'm',
    due: '2023-04-01',
    dueEnd: DUE_END,
    items: ['a'],
    open: 10,
    withoutOrder: 6,
    awaitingApproval: 2,
    available: 8,
    returnedLast14Days: 14,
    now: NOW,
  };
  it('is quiet when stock covers the demand and the pace meets the due date', () => {
    const s = judgeShortage(base);
    expect(s).toMatchObject({ shortfall: 0, ratePerDay: 1, warnings: [] });
    expect(s.projectedCompletion).toBe(new Date(NOW + 10 * DAY).toISOString());
  });
  it('warns when demand outnumbers free units', () => {
    const s = judgeShortage({ ...base, available: 5 });
    expect(s.warnings).toEqual([{ kind: 'short', need: 8, available: 5, shortfall: 3 }]);
    expect(describeWarning(s.warnings[0]!, s.due)).toBe(
      '8 devices need a replacement by 2023-04-01 but only 5 units are free: 3 short',
    );
  });
  it('warns when the pace of handovers misses the due date, or nothing moves', () => {
    const slow = judgeShortage({ ...base, returnedLast14Days: 7 });
    expect(slow.warnings).toEqual([
      { kind: 'pace', projectedCompletion: new Date(NOW + 20 * DAY).toISOString() },
    ]);
    const still = judgeShortage({ ...base, returnedLast14Days: 0 });
    expect(still.projectedCompletion).toBeNull();
    expect(describeWarning(still.warnings[0]!, still.due)).toContain('cannot be met');
  });
  it('after the due date says how many are still held; nothing held is done now', () => {
    expect(judgeShortage({ ...base, now: DUE_END }).warnings).toEqual([
      { kind: 'due-passed', open: 10 },
    ]);
    const done = judgeShortage({ ...base, open: 0, withoutOrder: 0, awaitingApproval: 0 });
    expect(done).toMatchObject({ warnings: [], projectedCompletion: new Date(NOW).toISOString() });
  });
});
