import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { appleModelIdentifiers, appleModelName } from './apple-models.js';
import { DEVICE_CLASSES, PLATFORMS } from './device.model.js';
import {
  imeiKey,
  normaliseSourceRow,
  ownershipFrom,
  platformFromOs,
  serialKey,
  statusFrom,
} from './source.normalise.js';
import { detectFormat, parseSourceMap, rawRowReader } from './source.formats.js';

describe('normalising what sources write', () => {
  it('reads platforms from the OS names MDMs write', () => {
    const cases: [string, string][] = [
      ['iOS', 'ios'],
      ['iOS/iPadOS', 'ios'],
      ['iPadOS', 'ipados'],
      ['Android', 'android'],
      ['Android (personally-owned work profile)', 'android'],
      ['AndroidEnterprise', 'android'],
      ['Windows', 'windows'],
      ['Windows 11 Pro', 'windows'],
      ['macOS', 'macos'],
      ['Mac OS X', 'macos'],
      ['ChromeOS', 'chromeos'],
      ['Chrome OS', 'chromeos'],
      ['HarmonyOS', 'harmonyos'],
      ['Aurora', 'aurora'],
      ['Аврора', 'aurora'],
      ['Symbian', 'other'],
    ];
    for (const [os, platform] of cases) expect(platformFromOs(os), os).toBe(platform);
  });

  it('always answers a platform of the enumeration, whatever the text', () => {
    fc.assert(fc.property(fc.string(), (s) => PLATFORMS.includes(platformFromOs(s))));
  });

  it('knows every iPhone and iPad identifier since 2017', () => {
    expect(appleModelName('iPhone15,2')).toBe('iPhone 14 Pro');
    expect(appleModelName('iphone10,3')).toBe('iPhone X');
    expect(appleModelName('iPad13,18')).toBe('iPad (10th generation)');
    expect(appleModelName('iPhone9,1')).toBeNull(); // iPhone 7, 2016
    const ids = appleModelIdentifiers();
    // iPhone 8 (2017) to iPhone 17 (2025): 40 identifiers; iPads since the 5th generation.
    expect(ids.filter((i) => i.startsWith('iPhone'))).toHaveLength(40);
    expect(new Set(ids).size).toBe(ids.length);
    for (const i of ids) expect(appleModelName(i)).not.toBeNull();
  });

  it('derives class from the source’s kind, else from platform and model', () => {
    const cls = (raw: Parameters<typeof normaliseSourceRow>[0]) => normaliseSourceRow(raw).class;
    expect(cls({ os: 'iOS', model: 'iPhone 14' })).toBe('smartphone');
    expect(cls({ os: 'iOS', model: 'iPad Air' })).toBe('tablet');
    expect(normaliseSourceRow({ os: 'iOS', model: 'iPad Air' }).platform).toBe('ipados');
    expect(cls({ os: 'Android', model: 'SM-X700' })).toBe('tablet');
    expect(cls({ os: 'Android', model: 'Galaxy Tab S8' })).toBe('tablet');
    expect(cls({ os: 'Android', model: 'Pixel 7' })).toBe('smartphone');
    expect(cls({ os: 'macOS', model: 'MacBook Pro' })).toBe('laptop');
    expect(cls({ os: 'macOS', model: 'Mac mini (M2, 2023)' })).toBe('desktop');
    expect(cls({ os: 'Windows', kind: 'Desktops' })).toBe('desktop');
    expect(cls({ kind: 'Feature Phones', manufacturer: 'Nokia' })).toBe('feature_phone');
    expect(cls({ kind: 'Mobile Phones', manufacturer: 'Samsung' })).toBe('smartphone');
    expect(normaliseSourceRow({ kind: 'Mobile Phones', manufacturer: 'Samsung' }).platform).toBe(
      'android',
    );
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), (os, model, kind) => {
        const c = normaliseSourceRow({ os, model, kind }).class;
        return c === undefined || DEVICE_CLASSES.includes(c);
      }),
    );
  });

  it('turns identifiers into names and reads the version out of an OS name', () => {
    expect(normaliseSourceRow({ modelIdentifier: 'iPhone15,2' })).toMatchObject({
      model: 'iPhone 14 Pro',
      manufacturer: 'Apple',
      platform: 'ios',
      class: 'smartphone',
    });
    expect(normaliseSourceRow({ os: 'Android 13' }).osVersion).toBe('13');
    expect(normaliseSourceRow({ os: 'iOS 16.3.1', osVersion: '' }).osVersion).toBeNull();
  });

  it('reads ownership and status words', () => {
    expect(ownershipFrom('Company owned')).toBe('corporate');
    expect(ownershipFrom('BYOD')).toBe('personal');
    expect(ownershipFrom('User owned')).toBe('personal');
    expect(ownershipFrom('Unknown')).toBeNull();
    expect(statusFrom('Lost/Stolen')).toBe('lost');
    expect(statusFrom('Archived')).toBe('retired');
    expect(statusFrom('Ready to Deploy')).toBe('active');
    expect(statusFrom('WIPED')).toBe('wiped');
  });

  it('matches serials in any case and IMEIs by their digits', () => {
    expect(serialKey('  F2LX  ')).toBe('f2lx');
    expect(serialKey('   ')).toBeNull();
    expect(imeiKey('35 345678 901234-8')).toBe('353456789012348');
  });
});

describe('source layouts', () => {
  it('tells the products apart by their headers', () => {
    expect(
      detectFormat(['Device ID', 'Device name', 'Primary user UPN', 'OS', 'Serial number']),
    ).toBe('intune');
    expect(detectFormat(['Serial Number', 'UDID', 'Model Identifier', 'iOS Version'])).toBe('jamf');
    expect(detectFormat(['Asset Tag', 'Serial', 'Category', 'Checked Out To: Email'])).toBe(
      'snipeit',
    );
    expect(detectFormat(['Device Id', 'Email', 'IMEI/MEID', 'Last Sync', 'Type'])).toBe('google');
    expect(detectFormat(['id', 'class', 'platform'])).toBe('native');
    expect(detectFormat(['a', 'b'])).toBeNull();
  });

  it('a map names columns, translates values and refuses unknown fields', () => {
    const layout = parseSourceMap(
      'columns: { "S/N": serial, System: os }\nvalues: { os: { Аврора: aurora } }\n',
      'm.yaml',
    );
    const read = rawRowReader(layout, ['s/n', 'SYSTEM']);
    expect(read(['X1', 'аврора'])).toEqual({ serial: 'X1', os: 'aurora' });
    expect(() => parseSourceMap('columns: { A: nope }\n', 'm.yaml')).toThrow('not a source map');
    expect(() => parseSourceMap('columns: [', 'm.yaml')).toThrow('not YAML');
  });
});
