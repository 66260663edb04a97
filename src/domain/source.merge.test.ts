import { describe, expect, it } from 'vitest';
import { blankDevice, type Device } from './device.model.js';
import { applySourceReport, type SourceReport } from './source.merge.js';

const phone = { ...blankDevice('d1'), class: 'smartphone' as const, platform: 'ios' as const };

/** Applies reports in order, keeping each source's stored report, as imports do. */
function run(steps: [string, Parameters<typeof applySourceReport>[2], number][], priority = {}) {
  let device: Device = phone;
  const stored = new Map<string, SourceReport>();
  const seen: string[] = [];
  for (const [source, report, at] of steps) {
    const r = applySourceReport(device, source, report, stored, at, priority);
    device = r.device;
    stored.set(source, r.report);
    seen.push(`${device.owner ?? '-'} ${device.model ?? '-'}${r.owners.length ? ' conflict' : ''}`);
  }
  return seen;
}

describe('applySourceReport: sources that agree with themselves', () => {
  it('an unchanged file re-imported changes nothing, whichever source reported in between', () => {
    expect(
      run([
        ['intune', { owner: 'p1', model: 'iPhone 14' }, 1],
        ['jamf', { owner: 'p2', model: 'iPhone 14 Pro' }, 2],
        ['intune', { owner: 'p1', model: 'iPhone 14' }, 3],
        ['jamf', { owner: 'p2', model: 'iPhone 14 Pro' }, 4],
      ]),
    ).toEqual([
      'p1 iPhone 14',
      'p2 iPhone 14 Pro conflict',
      'p2 iPhone 14 Pro conflict',
      'p2 iPhone 14 Pro conflict',
    ]);
  });
  it('a field takes the source of highest priority that reports it', () => {
    expect(
      run(
        [
          ['jamf', { model: 'iPhone 14 Pro' }, 1],
          ['intune', { model: 'iPhone 14' }, 2],
          ['jamf', { model: 'iPhone 15' }, 3],
        ],
        { model: ['intune', 'jamf'] },
      ),
    ).toEqual(['- iPhone 14 Pro', '- iPhone 14', '- iPhone 14']);
  });
  it('a new value from a source is taken when it changed last; an empty owner says nobody has it', () => {
    expect(
      run([
        ['intune', { owner: 'p1', model: 'A' }, 1],
        ['jamf', { owner: 'p1', model: 'B' }, 2],
        ['intune', { owner: null, model: 'C' }, 3],
      ]),
    ).toEqual(['p1 A', 'p1 B', '- C']);
  });
});
