import { describe, expect, it } from 'vitest';
import { decideApply, type StoredMandate } from './mandate.apply.js';

const doc = { id: 'm1', digest: 'd2', issuedAt: '2023-03-01' };
const stored = (o: Partial<StoredMandate> = {}) =>
  new Map([['m1', { version: 3, digest: 'd1', issuedAt: '2023-03-01', withdrawnAt: null, ...o }]]);
const plain = { fileName: 'f.yaml', effectiveAt: false, reinstate: false };

describe('deciding what a mandate file does', () => {
  it('creates a mandate never seen, but not with --effective-at', () => {
    expect(decideApply([doc], new Map(), plain)).toEqual({
      problems: [],
      steps: [{ id: 'm1', kind: 'create' }],
    });
    const r = decideApply([doc], new Map(), { ...plain, effectiveAt: true });
    expect(r.problems.map((p) => p.where)).toEqual(['f.yaml m1']);
  });

  it('keeps the same document unchanged, and makes a changed one the next version', () => {
    expect(decideApply([{ ...doc, digest: 'd1' }], stored(), plain).steps).toEqual([
      { id: 'm1', kind: 'unchanged', version: 3 },
    ]);
    expect(decideApply([doc], stored(), plain).steps).toEqual([
      { id: 'm1', kind: 'update', version: 4, newVersion: true },
    ]);
  });

  it('brings a withdrawn mandate back only with --reinstate, as it was or as a new version', () => {
    const withdrawn = stored({ withdrawnAt: Date.UTC(2023, 3, 1) });
    expect(decideApply([doc], withdrawn, plain).problems).toMatchObject([
      {
        where: 'f.yaml m1',
        message:
          'mandate m1 was withdrawn at 2023-04-01T00:00:00.000Z; apply with --reinstate to bring it back',
      },
    ]);
    const again = { ...plain, reinstate: true };
    expect(decideApply([{ ...doc, digest: 'd1' }], withdrawn, again).steps).toEqual([
      { id: 'm1', kind: 'reinstate', version: 3, newVersion: false },
    ]);
    expect(decideApply([doc], withdrawn, again).steps).toEqual([
      { id: 'm1', kind: 'reinstate', version: 4, newVersion: true },
    ]);
  });

  it('refuses a later version that changes issuedAt, naming both days, with every other problem', () => {
    const r = decideApply(
      [{ ...doc, issuedAt: '2023-02-01' }],
      stored({ withdrawnAt: Date.UTC(2023, 3, 1) }),
      plain,
    );
    expect(r.problems.map((p) => [p.where, p.value])).toEqual([
      ['f.yaml m1', undefined],
      ['f.yaml m1 metadata.issuedAt', '2023-02-01'],
    ]);
    expect(r.problems[1]!.message).toContain('2023-03-01');
  });
});
