import fc from 'fast-check';
import type { Device } from '../../src/domain/device.model.js';
import type { Person } from '../../src/domain/person.model.js';

/**
 * Random people, devices and targets for the property tests that judge targets in several
 * ways (test/target-agreement, test/first-application): values chosen to meet the edges of
 * each way — empty texts, JSON quoting, LIKE's wildcards, case, versions that do not parse.
 */
export const VERSIONS = [
  '16.1',
  '16',
  '16.0',
  '17.0.1',
  '9',
  '16.10',
  ' 16.2 ',
  'beta',
  '1..2',
  '',
];
// Beyond U+FFFF and within U+E000–U+FFFF: UTF-16 units and code points order these differently.
export const TEXTS = [
  'Apple',
  'apple',
  'Samsung',
  'A',
  'Zed',
  'x"y',
  '50%_off',
  'Ünï',
  '😀',
  'ｚ',
  'Ёлка',
  '',
];
export const APPS = ['kaspersky', 'teams', 'x"y', '50%_off', 'under_score', 'Ünï'];
export const TAGS = ['vip', 'mobile', 'field'];
export const UNITS = ['Org/A', 'Org/A/x', 'Org/B'];

const orNull = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | null> => fc.oneof(a, fc.constant(null));

export const storedPerson = (i: number): fc.Arbitrary<Person> =>
  fc.record({
    id: fc.constant(`p${i}`),
    name: fc.constant(`Person ${i}`),
    email: fc.constant(null),
    unit: fc.constantFrom(...UNITS),
    title: orNull(fc.constantFrom('Head', 'Clerk', '')),
    supervisor: fc.constant(null),
    tags: fc.subarray(TAGS),
    // Some have left: their devices are held by a unit, depart or have nobody (DESIGN §5a).
    active: fc.oneof(
      { arbitrary: fc.constant(true), weight: 3 },
      { arbitrary: fc.constant(false), weight: 1 },
    ),
  });

export const storedDevice = (i: number, owners: number): fc.Arbitrary<Device> =>
  fc.record({
    id: fc.constant(`d${i}`),
    owner: fc.oneof(
      { arbitrary: fc.constant(`p${i % owners}`), weight: 4 },
      { arbitrary: fc.constant(null), weight: 1 },
    ),
    class: fc.constantFrom('smartphone', 'tablet', 'laptop'),
    platform: fc.constantFrom('ios', 'ipados', 'android', 'windows'),
    osVersion: orNull(fc.constantFrom(...VERSIONS)),
    manufacturer: orNull(fc.constantFrom(...TEXTS)),
    model: orNull(fc.constantFrom(...TEXTS)),
    serial: orNull(fc.constantFrom('S1', 'S2', '')),
    imei: fc.constant(null),
    ownership: orNull(fc.constantFrom('corporate', 'personal')),
    purposes: fc.subarray(['official', 'personal'] as const),
    status: fc.constant('active'),
    apps: fc.subarray(APPS),
    // A custodian unit: it holds the device while no active person owns it.
    unit: orNull(fc.constantFrom(...UNITS)),
  } satisfies { [K in keyof Device]: fc.Arbitrary<Device[K]> });

const text = fc.constantFrom(...TEXTS).map((s) => JSON.stringify(s));
const scalar = fc.constantFrom(
  'device.manufacturer',
  'device.model',
  'device.serial',
  'device.osVersion',
  'device.owner',
  'person.id',
  'person.title',
  'person.unit',
  'device.unit',
);
const version = fc.oneof(
  fc.constantFrom('device.osVersion', 'device.model'),
  fc.constantFrom('16', '16.1', '17.0', '9.3').map((v) => `"${v}"`),
);
const cmp = fc.constantFrom('==', '!=');
const order = fc.constantFrom('<', '<=', '>', '>=', '==', '!=');

/** Targets in the common subset (and, with `opaque`, some parts outside it). */
export const target = (opaque: boolean): fc.Arbitrary<string> =>
  fc.letrec<{ t: string }>((tie) => {
    const leaves: fc.Arbitrary<string>[] = [
      fc.constantFrom('true', 'false'),
      fc.tuple(scalar, order, fc.oneof(text, scalar)).map(([a, o, b]) => `${a} ${o} ${b}`),
      fc.tuple(text, order, scalar).map(([a, o, b]) => `${a} ${o} ${b}`),
      fc
        .tuple(fc.constantFrom('ios', 'ipados', 'android'), cmp)
        .map(([p, o]) => `device.platform ${o} "${p}"`),
      fc
        .subarray(['smartphone', 'tablet', 'desktop'])
        .map((xs) => `device.class in ${JSON.stringify(xs)}`),
      fc.tuple(scalar, fc.subarray(TEXTS)).map(([a, xs]) => `${a} in ${JSON.stringify(xs)}`),
      fc.constantFrom(...APPS).map((a) => `${JSON.stringify(a)} in device.apps`),
      fc.constantFrom('"official"', '"personal"').map((p) => `${p} in device.purposes`),
      fc.constantFrom(...TAGS).map((t) => `"${t}" in person.tags`),
      fc.constantFrom('device.model', 'device.manufacturer').map((f) => `${f} in device.apps`),
      fc
        .constantFrom('osVersion', 'model', 'serial', 'ownership', 'owner', 'apps')
        .map((f) => `has(device.${f})`),
      fc.constantFrom('has(person.title)', 'has(person.id)', 'has(person.tags)'),
      fc.tuple(version, order, version).map(([a, o, b]) => `version(${a}) ${o} version(${b})`),
    ];
    if (opaque)
      leaves.push(
        fc.constantFrom(
          'size(device.apps) > 1',
          'device.model.startsWith("A")',
          'device.manufacturer < "B"',
          'person.tags.exists(t, t == "vip")',
          'device.model.matches("^[A-Z]")',
        ),
      );
    return {
      t: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        { arbitrary: fc.oneof(...leaves), weight: 2 },
        {
          arbitrary: fc
            .tuple(tie('t'), fc.constantFrom('&&', '||'), tie('t'))
            .map(([a, o, b]) => `(${a}) ${o} (${b})`),
          weight: 3,
        },
        { arbitrary: tie('t').map((t) => `!(${t})`), weight: 1 },
      ),
    };
  }).t;
