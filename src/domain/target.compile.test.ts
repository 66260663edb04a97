import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compareVersions,
  compileTarget,
  parseVersion,
  Undecided,
  type TargetDevice,
  type TargetPerson,
} from './target.compile.js';
import type { Device } from './device.model.js';
import type { Person } from './person.model.js';

const stored = (o: Partial<Device> = {}): Device => ({
  id: 'd1',
  owner: 'p1',
  class: 'smartphone',
  platform: 'ios',
  osVersion: null,
  manufacturer: null,
  model: null,
  serial: null,
  imei: null,
  ownership: null,
  purposes: ['official'],
  status: 'active',
  apps: [],
  unit: null,
  ...o,
});
const storedPerson: Person = {
  id: 'p1',
  name: 'P',
  email: null,
  unit: 'a',
  title: null,
  supervisor: null,
  tags: [],
  active: true,
};

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
  it('matches regular expressions in linear time: a catastrophic pattern answers at once', () => {
    const r = compileTarget('device.model.matches("^(([a-zA-Z0-9 ]*)*)*!$")');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const started = performance.now();
    // JavaScript's own engine takes minutes on this; RE2 a fraction of a millisecond.
    expect(r.target.matches(device({ model: 'a'.repeat(40) }), person)).toBe(false);
    expect(r.target.matches(device({ model: 'iPhone 12!' }), person)).toBe(true);
    expect(performance.now() - started).toBeLessThan(1000);
  });
  it('keeps the meaning of matches(): found anywhere, anchors as written, in any position', () => {
    const t = compileTarget(
      '"a.matches(b)".matches("matches") && device.model.matches("iPhone 1[0-5]") && ! ( device.model ) . matches ( "^Pro" )',
    );
    expect(t.ok).toBe(true);
    if (!t.ok) return;
    expect(t.target.source).toContain('.matches(');
    expect(t.target.matches(device({ model: 'Apple iPhone 12 Pro' }), person)).toBe(true);
    expect(t.target.matches(device({ model: 'Apple iPhone 9' }), person)).toBe(false);
  });
  it('refuses a pattern RE2 cannot run in linear time, and a pattern that is not a literal', () => {
    const back = compileTarget('device.model.matches("(a)\\\\1")');
    expect(back.ok).toBe(false);
    expect(!back.ok && back.errors[0]).toMatch(/invalid escape sequence.*RE2/);
    const look = compileTarget('device.model.matches("^(?=iPhone)")');
    expect(!look.ok && look.errors[0]).toMatch(/unsupported Perl syntax/);
    const dynamic = compileTarget('device.model.matches(device.serial)');
    expect(!dynamic.ok && dynamic.errors).toEqual([
      'the pattern of matches() must be a string literal',
    ]);
  });
  it('evaluates a compiled target per device', () => {
    const r = compileTarget('device.class == "smartphone" && "official" in device.purposes');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.target.matches(device(), person)).toBe(true);
    expect(r.target.matches(device({ purposes: [] }), person)).toBe(false);
  });
  it('orders strings by code point in the interpreter, as CEL says (not by UTF-16 unit)', () => {
    const judge = (target: string, model: string) => {
      const r = compileTarget(target);
      if (!r.ok) throw new Error(r.errors.join('; '));
      return r.target.matches(device({ model }), person);
    };
    expect(judge('device.model > "ｚ"', '😀')).toBe(true);
    expect(judge('"ｚ" < device.model', '😀')).toBe(true);
    expect(judge('device.model <= "ｚ"', '😀')).toBe(false);
    // Outside the common subset too (the interpreter judges), nested in other parts.
    expect(judge('device.model.startsWith("😀") && (device.model >= "ｚ") == true', '😀!')).toBe(
      true,
    );
    expect(judge('["😀"].exists(m, m > "ｚ") && device.model < "b"', 'a')).toBe(true);
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
  it('lowers the common subset exactly and leaves the rest opaque', () => {
    const r = compileTarget('device.platform == "ios" && "kaspersky" in device.apps');
    expect(r.ok && r.target.exact).toBe(true);
    expect(r.ok && r.target.cond).toMatchObject({
      k: 'and',
      left: { k: 'cmp', op: '==', left: { k: 'field', field: { name: 'platform' } } },
      right: { k: 'contains', list: { name: 'apps' }, item: { k: 'string', value: 'kaspersky' } },
    });
    const o = compileTarget('device.platform == "ios" || size(device.apps) > 2');
    expect(o.ok && o.target.exact).toBe(false);
    expect(o.ok && o.target.cond).toMatchObject({ k: 'or', right: { k: 'opaque' } });
  });
  it('decides with closures as the interpreter does, reasons included', () => {
    const r = compileTarget(
      'version(device.osVersion) < version("17") && device.manufacturer == "Apple"',
    );
    if (!r.ok) throw new Error(r.errors.join());
    const t = r.target;
    expect(t.exact).toBe(true);
    const base = stored();
    const owner = storedPerson;
    const decide = (d: Device): unknown => {
      const x = t.decide(d, owner);
      return x instanceof Undecided ? x.reason : x;
    };
    expect(decide({ ...base, osVersion: '16.4', manufacturer: 'Apple' })).toBe(true);
    expect(decide({ ...base, osVersion: '17.0', manufacturer: 'Apple' })).toBe(false);
    // Both sides undecided: the right's reason, as cel-js gives it.
    expect(decide({ ...base, osVersion: null, manufacturer: null })).toBe('manufacturer is absent');
    expect(decide({ ...base, osVersion: 'beta', manufacturer: 'Apple' })).toBe(
      '"beta" is not a version',
    );
    expect(decide({ ...base, osVersion: 'beta', manufacturer: 'Samsung' })).toBe(false);
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

describe('version()', () => {
  /** Reference: components zero-padded to a fixed width and count, compared as text. */
  const key = (v: string) =>
    v
      .split('.')
      .concat(Array<string>(10).fill('0'))
      .slice(0, 10)
      .map((c) => c.padStart(10, '0'))
      .join('.');
  const versionText = fc
    .array(fc.integer({ min: 0, max: 99999 }), { minLength: 1, maxLength: 5 })
    .map((a) => a.join('.'));

  it('orders versions like the reference, numerically per component, missing ones as 0', () => {
    fc.assert(
      fc.property(versionText, versionText, (a, b) => {
        const got = Math.sign(compareVersions(parseVersion(a), parseVersion(b)));
        const want = key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
        return got === want;
      }),
    );
  });

  it('compares in targets: 16.3.1 < 16.10, 9.0 < 16.3.1, 16 == 16.0', () => {
    const t = compileTarget(
      'version(device.osVersion) < version("16.10") && version(device.osVersion) > version("9.0")',
    );
    expect(t.ok).toBe(true);
    if (!t.ok) return;
    const dev = (osVersion: string) => device({ osVersion });
    expect(t.target.matches(dev('16.3.1'), person)).toBe(true);
    expect(t.target.matches(dev('9.0'), person)).toBe(false);
    expect(t.target.matches(dev('16.10.0'), person)).toBe(false);
    expect(() => t.target.matches(dev('16.3-beta'), person)).toThrow('is not a version');
    const eq = compileTarget('version("16") == version("16.0.0")');
    expect(eq.ok && eq.target.matches(dev('1'), person)).toBe(true);
  });

  it('refuses what does not type-check: comparing a version with a string', () => {
    expect(compileTarget('version(device.osVersion) < "16"').ok).toBe(false);
  });
});
