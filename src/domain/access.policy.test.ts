import { describe, expect, it } from 'vitest';
import {
  canSeeDevice,
  canSeePerson,
  hasPermission,
  visibilityOf,
  type Actor,
  type Role,
} from './access.policy.js';

const actor = (roles: Role[], o: Partial<Actor> = {}): Actor => ({
  accountId: 1,
  email: 'a@x',
  roles: new Set(roles),
  personId: null,
  units: [],
  readOnly: false,
  ...o,
});

describe('access policy', () => {
  it('denies what a role does not grant; auditors change nothing', () => {
    expect(hasPermission(actor(['auditor']), 'read')).toBe(true);
    expect(hasPermission(actor(['auditor']), 'audit.read')).toBe(true);
    for (const p of [
      'records.write',
      'mandates.write',
      'attest',
      'exemptions.request',
      'exemptions.decide',
      'accounts.manage',
    ] as const) {
      expect(hasPermission(actor(['auditor']), p)).toBe(false);
    }
    expect(hasPermission(actor(['official']), 'mandates.write')).toBe(false);
    expect(hasPermission(actor(['officer'], { readOnly: true }), 'mandates.write')).toBe(false);
  });
  it('a unit head sees their units and below, by whole segments', () => {
    const v = visibilityOf(actor(['unit-head'], { units: ['A/B'], personId: 'h' }));
    expect(canSeePerson(v, { id: 'x', unit: 'A/B/C' })).toBe(true);
    expect(canSeePerson(v, { id: 'x', unit: 'A/B 2' })).toBe(false);
    expect(canSeePerson(v, { id: 'h', unit: 'Elsewhere' })).toBe(true);
    expect(canSeeDevice(v, null)).toBe(false);
  });
  it('an official sees only themselves', () => {
    const v = visibilityOf(actor(['official'], { personId: 'p1' }));
    expect(canSeePerson(v, { id: 'p1', unit: 'A' })).toBe(true);
    expect(canSeePerson(v, { id: 'p2', unit: 'A' })).toBe(false);
  });
  it('an official without a linked person sees nobody', () => {
    const v = visibilityOf(actor(['official']));
    expect(canSeePerson(v, { id: 'p1', unit: 'A' })).toBe(false);
  });
});
