import { describe, expect, it } from 'vitest';
import { custodianAfter, custodianOnLeaving } from './custody.rules.js';

const device = {
  owner: 'p1',
  unit: null,
  status: 'active' as const,
  ownership: 'corporate' as const,
};

describe('custodianAfter', () => {
  it('takes a unit the write names, whatever else changes', () => {
    expect(
      custodianAfter(
        device,
        { ...device, unit: 'Org/Reception' },
        {
          namesUnit: true,
          lastOwnerUnit: 'Org/A',
        },
      ),
    ).toBe('Org/Reception');
  });
  it('passes a corporate device whose owner is cleared to the last owner’s unit', () => {
    expect(
      custodianAfter(
        device,
        { ...device, owner: null },
        { namesUnit: false, lastOwnerUnit: 'Org/A' },
      ),
    ).toBe('Org/A');
    // Not a personal one, nor one no longer in use.
    expect(
      custodianAfter(
        { ...device, owner: 'p1' },
        { ...device, owner: null, ownership: 'personal' },
        { namesUnit: false, lastOwnerUnit: 'Org/A' },
      ),
    ).toBeNull();
    expect(
      custodianAfter(
        device,
        { ...device, owner: null, status: 'retired' },
        {
          namesUnit: false,
          lastOwnerUnit: 'Org/A',
        },
      ),
    ).toBeNull();
  });
  it('ends the custody with a new owner and keeps it otherwise', () => {
    const held = { ...device, owner: null, unit: 'Org/Reception' };
    expect(
      custodianAfter(held, { ...held, owner: 'p2' }, { namesUnit: false, lastOwnerUnit: null }),
    ).toBeNull();
    expect(
      custodianAfter(held, { ...held, model: 'x' } as typeof held, {
        namesUnit: false,
        lastOwnerUnit: null,
      }),
    ).toBe('Org/Reception');
  });
});

describe('custodianOnLeaving', () => {
  it('a leaver’s corporate device passes to their unit; a personal one does not', () => {
    expect(custodianOnLeaving(device, 'Org/A')).toBe('Org/A');
    expect(custodianOnLeaving({ ...device, ownership: 'personal' }, 'Org/A')).toBeNull();
    expect(custodianOnLeaving({ ...device, unit: 'Org/Desk' }, 'Org/A')).toBe('Org/Desk');
    expect(custodianOnLeaving({ ...device, status: 'lost' }, 'Org/A')).toBeNull();
  });
});
