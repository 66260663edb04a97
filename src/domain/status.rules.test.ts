import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Phase } from './mandate.model.js';
import { parseMandateFile } from './mandate.parse.js';
import {
  attestPhaseState,
  deadlineAsOf,
  findingState,
  forecast,
  isOverdue,
  resolvePhaseState,
  type DeviceCounts,
} from './status.rules.js';

const T = Date.UTC(2023, 2, 25);
const DUE_END = Date.UTC(2023, 3, 2);

describe('deadlineAsOf', () => {
  const phase = (o: Partial<Phase> = {}): Phase => ({
    id: 'replace',
    requires: 'resolve',
    due: '2023-04-01',
    ...o,
  });
  const moscow = (local: string) => Date.parse(`${local}+03:00`);
  it('counts days of the organisation’s calendar to the due day, 0 on it, negative after', () => {
    const at = (local: string) => deadlineAsOf(phase(), 'Europe/Moscow', moscow(local)).daysLeft;
    expect(at('2023-03-31T23:59:00')).toBe(1);
    // 21:00 UTC on the 31st is already the due day in Moscow: a UTC count would still say 1.
    expect(at('2023-04-01T00:00:00')).toBe(0);
    expect(at('2023-04-01T23:59:00')).toBe(0);
    expect(at('2023-04-02T00:00:00')).toBe(-1);
    expect(deadlineAsOf(phase(), 'Europe/Moscow', moscow('2023-04-02T00:00:00'))).toEqual({
      due: '2023-04-01',
      lastDay: '2023-04-01',
      overdueAt: '2023-04-01T21:00:00.000Z',
      daysLeft: -1,
    });
  });
  it('counts to the end of the grace: findings are overdue only then', () => {
    const d = deadlineAsOf(phase({ grace: 'P7D' }), 'Europe/Moscow', moscow('2023-04-02T10:00:00'));
    expect(d).toEqual({
      due: '2023-04-01',
      lastDay: '2023-04-08',
      overdueAt: '2023-04-08T21:00:00.000Z',
      daysLeft: 6,
    });
  });
  it('has no deadline without a due day', () => {
    expect(deadlineAsOf(phase({ due: undefined }), 'UTC', 0)).toEqual({
      due: null,
      lastDay: null,
      overdueAt: null,
      daysLeft: null,
    });
  });
});

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
  it('says nothing caught, never on track, when nothing was ever caught (DESIGN §5a)', () => {
    expect(forecast(T, 0, 0, DUE_END, 0)).toEqual({
      ratePerDay: 0,
      projectedCompletion: null,
      onTrack: false,
      nothingCaught: true,
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

const Z = 'UTC';
const mandate = parseMandateFile(
  `apiVersion: phaseout/v1
kind: Mandate
metadata: { id: m1, title: t, issuedAt: 2023-03-01 }
spec:
  scope: { units: [A] }
  target: device.platform == "ios"
  action: replace
  phases:
    - { id: heads, starts: 2023-03-05, due: 2023-03-20, requires: attest }
    - { id: hand-in, due: 2023-04-01, requires: resolve, grace: P7D }
`,
  'm.yaml',
).mandates[0]!.doc;
const [attestPhase, resolvePhase] = mandate.spec.phases as [Phase, Phase];
const counts = (o: Partial<DeviceCounts>): DeviceCounts => ({
  pending: 0,
  overdue: 0,
  exempt: 0,
  resolved: 0,
  lost: 0,
  unknown: 0,
  departed: 0,
  unassigned: 0,
  ...o,
});
const day = (d: string) => Date.parse(`${d}T00:00:00Z`);

describe('findingState', () => {
  const overdueAt = day('2023-04-09');
  it('is exempt whatever the day, pending before the deadline and overdue from it', () => {
    expect(findingState(true, overdueAt + 1, overdueAt)).toBe('exempt');
    expect(findingState(false, overdueAt - 1, overdueAt)).toBe('pending');
    expect(findingState(false, overdueAt, overdueAt)).toBe('overdue');
    expect(findingState(false, overdueAt + 1e12, null)).toBe('pending');
  });
  it('agrees with isOverdue for any moment', () => {
    fc.assert(
      fc.property(fc.integer(), fc.option(fc.integer()), (at, due) => {
        expect(findingState(false, at, due) === 'overdue').toBe(isOverdue(at, due));
      }),
    );
  });
});

describe('the resolve phase', () => {
  it('is upcoming before the mandate is issued', () => {
    expect(resolvePhaseState(mandate, resolvePhase, day('2023-02-28'), Z, counts({})).state).toBe(
      'upcoming',
    );
  });
  it('is open while devices are held, met when none is, and says when nothing was caught', () => {
    const at = day('2023-03-10');
    expect(resolvePhaseState(mandate, resolvePhase, at, Z, counts({ pending: 2 })).state).toBe(
      'open',
    );
    const met = resolvePhaseState(mandate, resolvePhase, at, Z, counts({ resolved: 2 }));
    expect(met).toMatchObject({
      state: 'met',
      grace: 'P7D',
      graceEnds: '2023-04-09T00:00:00.000Z',
    });
    expect(met.nothingCaught).toBeUndefined();
    expect(resolvePhaseState(mandate, resolvePhase, at, Z, counts({})).nothingCaught).toBe(true);
  });
  it('is missed only from the end of its grace, and only with overdue devices', () => {
    const inGrace = day('2023-04-05');
    const after = day('2023-04-09');
    expect(resolvePhaseState(mandate, resolvePhase, inGrace, Z, counts({ pending: 1 })).state).toBe(
      'open',
    );
    expect(resolvePhaseState(mandate, resolvePhase, after, Z, counts({ overdue: 1 })).state).toBe(
      'missed',
    );
    // Only exempt devices left open: nothing overdue, the phase is not missed.
    expect(resolvePhaseState(mandate, resolvePhase, after, Z, counts({ exempt: 1 })).state).toBe(
      'met',
    );
  });
});

describe('the attest phase', () => {
  const firsts = new Map([
    ['A/1', day('2023-03-06')],
    ['A/2', day('2023-03-25')],
  ]);
  it('is upcoming before it starts, even when someone already attested', () => {
    const s = attestPhaseState(mandate, attestPhase, day('2023-03-04'), Z, ['A/1'], firsts, 0);
    expect(s).toMatchObject({ state: 'upcoming', required: 1, attested: 0, metAt: null });
  });
  it('counts only attestations made by the moment asked', () => {
    const s = attestPhaseState(
      mandate,
      attestPhase,
      day('2023-03-10'),
      Z,
      ['A/1', 'A/2'],
      firsts,
      1,
    );
    expect(s).toMatchObject({ state: 'open', required: 2, attested: 1, headless: 1 });
  });
  it('is missed after its due day, and met (late) once the last attests, at that moment', () => {
    const required = ['A/1', 'A/2'];
    expect(
      attestPhaseState(mandate, attestPhase, day('2023-03-21'), Z, required, firsts, 0).state,
    ).toBe('missed');
    expect(
      attestPhaseState(mandate, attestPhase, day('2023-03-26'), Z, required, firsts, 0),
    ).toMatchObject({ state: 'met', metAt: '2023-03-25T00:00:00.000Z', attestBy: 'unit-head' });
  });
  it('is met with nobody to attest', () => {
    expect(
      attestPhaseState(mandate, attestPhase, day('2023-03-10'), Z, [], firsts, 0),
    ).toMatchObject({
      state: 'met',
      metAt: null,
    });
  });
});
