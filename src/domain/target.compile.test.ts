import { describe, expect, it } from 'vitest';
import { compileTarget, type TargetDevice, type TargetPerson } from './target.compile.js';

const device = (o: Partial<TargetDevice> = {}): TargetDevice => ({
  id: 'd1',
  owner: 'p1',
  class: 'smartphone',
  platform: 'ios',
  osVersion: '',
  manufacturer: '',
  model: '',
  serial: '',
  imei: '',
  ownership: '',
  purposes: ['official'],
  status: 'active',
  apps: [],
  ...o,
});
const person: TargetPerson = { id: 'p1', unit: 'A/B', title: '', tags: ['x'] };

describe('compileTarget', () => {
  it('evaluates a compiled target per device', () => {
    const r = compileTarget('device.class == "smartphone" && "official" in device.purposes');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.target.matches(device(), person)).toBe(true);
    expect(r.target.matches(device({ purposes: [] }), person)).toBe(false);
  });
  it('refuses a syntax error, an unknown field and a non-boolean', () => {
    expect(compileTarget('device.platform ==').ok).toBe(false);
    expect(compileTarget('device.colour == "red"').ok).toBe(false);
    expect(compileTarget('device.platform').ok).toBe(false);
  });
  it('refuses an enumerated field compared with a value outside its enumeration, with a hint', () => {
    const r = compileTarget('device.platform == "iOS"');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors[0]).toContain('did you mean "ios"');
    expect(compileTarget('device.platform in ["ios", "Android"]').ok).toBe(false);
    expect(compileTarget('"work" in device.purposes').ok).toBe(false);
  });
  it('extracts index-friendly prefilters from top-level conjunctions only', () => {
    const r = compileTarget('device.platform == "ios" && "kaspersky" in device.apps');
    expect(r.ok && r.target.prefilters).toEqual([
      { field: 'platform', op: 'in', values: ['ios'] },
      { field: 'apps', op: 'contains', value: 'kaspersky' },
    ]);
    const o = compileTarget('device.platform == "ios" || device.platform == "ipados"');
    expect(o.ok && o.target.prefilters).toEqual([]);
  });
  it('knows which fields a target reads', () => {
    const r = compileTarget('device.class == "smartphone" && "x" in person.tags');
    expect(r.ok && r.target.fields).toEqual({
      device: new Set(['class']),
      person: new Set(['tags']),
    });
    const all = compileTarget('[device][0].platform == "ios"');
    expect(all.ok && all.target.fields.device).toBe('all');
  });
  it('reads person fields', () => {
    const r = compileTarget('"x" in person.tags && person.unit.startsWith("A")');
    expect(r.ok && r.target.matches(device(), person)).toBe(true);
  });
});
