import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Device } from '../src/domain/device.model.js';
import type { Person } from '../src/domain/person.model.js';
import {
  compileTarget,
  toTargetDevice,
  toTargetPerson,
  undecidedReason,
  Undecided,
} from '../src/domain/target.compile.js';
import { targetAnswers } from '../src/store/candidates.repository.js';
import { openStore, type Store } from '../src/store/database.js';
import { deviceToRow, insertDevices } from '../src/store/devices.repository.js';
import { insertPeople, personToRow } from '../src/store/people.repository.js';
import { createTestDatabase, describeEachDatabase } from './helpers/databases.js';

/**
 * Three ways of judging a target must agree (issue: national scale): the CEL interpreter (the
 * reference), the closures compiled from the common subset, and the SQL the store selects
 * candidates with — exactly where the SQL is exact, and never ruling out a device the target
 * catches or cannot decide where it is not.
 */
const SEED = 20261202;

const VERSIONS = ['16.1', '16', '16.0', '17.0.1', '9', '16.10', ' 16.2 ', 'beta', '1..2', ''];
const TEXTS = ['Apple', 'apple', 'Samsung', 'A', 'Zed', 'x"y', '50%_off', 'Ünï', ''];
const APPS = ['kaspersky', 'teams', 'x"y', '50%_off', 'under_score', 'Ünï'];
const TAGS = ['vip', 'mobile', 'field'];
const UNITS = ['Org/A', 'Org/A/x', 'Org/B'];

const orNull = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | null> => fc.oneof(a, fc.constant(null));

const storedPerson = (i: number): fc.Arbitrary<Person> =>
  fc.record({
    id: fc.constant(`p${i}`),
    name: fc.constant(`Person ${i}`),
    email: fc.constant(null),
    unit: fc.constantFrom(...UNITS),
    title: orNull(fc.constantFrom('Head', 'Clerk', '')),
    supervisor: fc.constant(null),
    tags: fc.subarray(TAGS),
    active: fc.constant(true),
  });

const storedDevice = (i: number, owners: number): fc.Arbitrary<Device> =>
  fc.record({
    id: fc.constant(`d${i}`),
    owner: fc.constant(`p${i % owners}`),
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
);
const version = fc.oneof(
  fc.constantFrom('device.osVersion', 'device.model'),
  fc.constantFrom('16', '16.1', '17.0', '9.3').map((v) => `"${v}"`),
);
const cmp = fc.constantFrom('==', '!=');
const order = fc.constantFrom('<', '<=', '>', '>=', '==', '!=');

/** Targets in the common subset (and, with `opaque`, some parts outside it). */
const target = (opaque: boolean): fc.Arbitrary<string> =>
  fc.letrec<{ t: string }>((tie) => {
    const leaves: fc.Arbitrary<string>[] = [
      fc.constantFrom('true', 'false'),
      fc.tuple(scalar, cmp, fc.oneof(text, scalar)).map(([a, o, b]) => `${a} ${o} ${b}`),
      fc.tuple(text, cmp, scalar).map(([a, o, b]) => `${a} ${o} ${b}`),
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
      fc.constant('has(person.title)'),
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

describeEachDatabase('targets: SQL, closures and the interpreter agree', (kind) => {
  let store: Store;
  let people: Person[];
  let devices: Device[];

  beforeAll(async () => {
    store = await openStore(await createTestDatabase(kind));
    people = Array.from(
      { length: 40 },
      (_, i) => fc.sample(storedPerson(i), { numRuns: 1, seed: SEED + i })[0]!,
    );
    devices = Array.from(
      { length: 400 },
      (_, i) => fc.sample(storedDevice(i, people.length), { numRuns: 1, seed: SEED * 7 + i })[0]!,
    );
    const times = { created: 0, changed: 0, seen: 0 };
    await insertPeople(
      store.db,
      people.map((p) => personToRow(p, times)),
    );
    await insertDevices(
      store.db,
      devices.map((d) => deviceToRow(d, times)),
    );
  });
  afterAll(() => store.close());

  const judgeAll = async (source: string): Promise<'refused' | 'exact' | 'superset'> => {
    const compiled = compileTarget(source);
    if (!compiled.ok) return 'refused';
    const t = compiled.target;
    const { answers, exact } = await targetAnswers(store.db, t.cond);
    const owners = new Map(people.map((p) => [p.id, p]));
    for (const d of devices) {
      const p = owners.get(d.owner!)!;
      let reference: boolean | string;
      try {
        reference = t.matches(toTargetDevice(d), toTargetPerson(p));
      } catch (err) {
        reference = undecidedReason(err);
      }
      const decided = t.decide(d, p);
      const closure = decided instanceof Undecided ? decided.reason : decided;
      const sqlAnswer = answers.get(d.id);
      const where = `${source} on ${JSON.stringify(d)} / ${JSON.stringify(p)}`;
      expect(closure, `closures: ${where}`).toEqual(reference);
      if (exact)
        expect(sqlAnswer, `SQL: ${where}`).toBe(typeof reference === 'string' ? null : reference);
      else if (reference !== false) expect(sqlAnswer, `SQL superset: ${where}`).not.toBe(false);
    }
    return exact && t.exact ? 'exact' : 'superset';
  };

  it('on targets of the common subset: all three give the same answer and reason', async () => {
    const seen = { exact: 0, superset: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(target(false), async (source) => {
        seen[await judgeAll(source)]++;
      }),
      { numRuns: 150, seed: SEED },
    );
    // The subset is judged by closures, not the interpreter, and its SQL is exact.
    expect(seen.refused).toBe(0);
    expect(seen.exact).toBeGreaterThan(100);
  });

  it('with parts outside the subset: the interpreter decides and SQL stays a superset', async () => {
    const seen = { exact: 0, superset: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(target(true), async (source) => {
        seen[await judgeAll(source)]++;
      }),
      { numRuns: 100, seed: SEED + 1 },
    );
    expect(seen.superset).toBeGreaterThan(10);
  });
});
