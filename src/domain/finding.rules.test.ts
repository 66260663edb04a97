import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Device } from './device.model.js';
import { judgeDevice, reconcileFinding, type Judge, type OpenFinding } from './finding.rules.js';
import type { Person } from './person.model.js';
import { scopeOf } from './scope.js';
import { compileTarget } from './target.compile.js';
import { parseMandateFile } from './mandate.parse.js';

const doc = parseMandateFile(
  `apiVersion: phaseout/v1
kind: Mandate
metadata: { id: m1, title: t, issuedAt: 2023-03-01 }
spec:
  scope: { units: [A] }
  target: device.platform == "ios"
  action: replace
  phases: [{ id: r, due: 2023-04-01, requires: resolve }]
`,
  'm.yaml',
).mandates[0]!;
const compiled = compileTarget(doc.doc.spec.target);
if (!compiled.ok) throw new Error('target');
const judge: Judge = { scope: scopeOf(doc.doc), target: compiled.target };

const device = (o: Partial<Device>): Device => ({
  id: 'd',
  owner: 'p1',
  class: 'smartphone',
  platform: 'ios',
  osVersion: null,
  manufacturer: null,
  model: null,
  serial: null,
  imei: null,
  ownership: null,
  purposes: [],
  status: 'active',
  apps: [],
  unit: null,
  ...o,
});
const person = (o: Partial<Person>): Person => ({
  id: 'p1',
  name: 'n',
  email: null,
  unit: 'A',
  title: null,
  supervisor: null,
  tags: [],
  active: true,
  ...o,
});

describe('judgeDevice', () => {
  it('gives the reason a device is not caught', () => {
    expect(judgeDevice(judge, device({ status: 'lost' }), person({}))).toMatchObject({
      reason: 'device_inactive',
    });
    expect(judgeDevice(judge, device({}), person({ unit: 'A2' }))).toMatchObject({
      reason: 'owner_out_of_scope',
    });
    expect(
      judgeDevice(
        judge,
        device({ ownership: 'personal', purposes: ['official'] }),
        person({ active: false }),
      ),
    ).toEqual({ caught: false, reason: 'owner_left' });
    // An employee's own phone no longer used for official business is no mandate's.
    expect(
      judgeDevice(judge, device({ ownership: 'personal', purposes: ['personal'] }), person({})),
    ).toEqual({ caught: false, reason: 'device_changed' });
    expect(judgeDevice(judge, device({}), null)).toMatchObject({ reason: 'owner_out_of_scope' });
    expect(judgeDevice(judge, device({ platform: 'android' }), person({}))).toMatchObject({
      reason: 'device_changed',
    });
    expect(judgeDevice(judge, device({}), person({ unit: 'A/B' }))).toEqual({
      caught: true,
      owner: 'p1',
      unit: 'A/B',
    });
  });

  it('a unit holds a device no active person owns; nobody holds one without a unit (DESIGN §5a)', () => {
    // A leaver's corporate iPhone in the custody of their unit: caught, with no owner.
    expect(
      judgeDevice(
        judge,
        device({ ownership: 'corporate', unit: 'A/B' }),
        person({ active: false }),
      ),
    ).toEqual({ caught: true, owner: null, unit: 'A/B' });
    // A reception desk's shared iPhone with no owner at all.
    expect(judgeDevice(judge, device({ owner: null, unit: 'A' }), null)).toEqual({
      caught: true,
      owner: null,
      unit: 'A',
    });
    // A custodian outside the scope (whole segments: A2 is not below A).
    expect(judgeDevice(judge, device({ owner: null, unit: 'A2' }), null)).toMatchObject({
      caught: false,
      reason: 'owner_out_of_scope',
    });
    // Nobody holds it: never caught, but unassigned when the target holds.
    expect(judgeDevice(judge, device({ owner: null }), null)).toEqual({
      caught: false,
      reason: 'owner_out_of_scope',
      unassigned: true,
    });
    expect(judgeDevice(judge, device({ owner: null, platform: 'android' }), null)).toMatchObject({
      unassigned: false,
    });
    // A personal device without an active owner is not the organisation's: it departs.
    expect(
      judgeDevice(
        judge,
        device({ ownership: 'personal', purposes: ['official'], unit: 'A' }),
        person({ active: false }),
      ),
    ).toEqual({ caught: false, reason: 'owner_left' });
  });
});

/** One observed state of a device and its owner at a time. */
const stateArb = fc.record({
  status: fc.constantFrom('active', 'active', 'retired', 'lost'),
  platform: fc.constantFrom('ios', 'ios', 'android'),
  owner: fc.constantFrom('p1', 'p2', null),
  unit: fc.constantFrom('A', 'A/B', 'C'),
  active: fc.boolean(),
});

describe('finding intervals (property)', () => {
  it('a finding is open at T exactly when the state in force at T is caught, never before issuedAt', () => {
    const issuedAt = 100;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 20 }), stateArb), {
          minLength: 1,
          maxLength: 25,
        }),
        (steps) => {
          // Non-decreasing effective times, as the observation clock guarantees.
          let t = 0;
          const timeline = steps.map(([dt, s]) => ({ at: (t += dt * 10), s }));
          const findings: {
            owner: string | null;
            unit: string;
            opened: number;
            closed: number | null;
          }[] = [];
          let open: (OpenFinding & { index: number }) | undefined;
          for (const { at, s } of timeline) {
            const v = judgeDevice(
              judge,
              device({
                status: s.status,
                platform: s.platform,
                owner: s.owner,
              }),
              s.owner ? person({ id: s.owner, unit: s.unit, active: s.active }) : null,
            );
            const change = reconcileFinding(open, v, at, issuedAt);
            if (change.close && open) {
              if (change.close.drop) findings.splice(open.index, 1);
              else findings[open.index]!.closed = change.close.at;
              open = undefined;
            }
            if (change.open) {
              findings.push({ ...change.open, opened: change.open.at, closed: null });
              open = {
                id: 0,
                ...change.open,
                openedAt: change.open.at,
                index: findings.length - 1,
              };
            }
          }
          // Every finding has positive length and none overlap.
          for (const f of findings) expect(f.closed === null || f.closed > f.opened).toBe(true);
          for (let i = 1; i < findings.length; i++) {
            expect(findings[i]!.opened).toBeGreaterThanOrEqual(findings[i - 1]!.closed ?? Infinity);
          }
          // Check every probe time against the state in force then (last change at or before it).
          for (let T = 0; T <= t + 10; T += 5) {
            const inForce = timeline.filter((x) => x.at <= T).at(-1);
            const openAt = findings.filter(
              (f) => f.opened <= T && (f.closed === null || T < f.closed),
            );
            expect(openAt.length).toBeLessThanOrEqual(1);
            const caught =
              T >= issuedAt &&
              inForce !== undefined &&
              inForce.s.status === 'active' &&
              inForce.s.platform === 'ios' &&
              inForce.s.owner !== null &&
              inForce.s.active &&
              inForce.s.unit !== 'C';
            expect(openAt.length === 1).toBe(caught);
            if (caught) {
              expect(openAt[0]!.owner).toBe(inForce.s.owner);
              expect(openAt[0]!.unit).toBe(inForce.s.unit);
            }
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
