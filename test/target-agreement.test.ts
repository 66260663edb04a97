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
import { storedDevice, storedPerson, target } from './helpers/targets.js';

/**
 * Three ways of judging a target must agree (issue: national scale): the CEL interpreter (the
 * reference), the closures compiled from the common subset, and the SQL the store selects
 * candidates with — exactly where the SQL is exact, and never ruling out a device the target
 * catches or cannot decide where it is not.
 */
const SEED = 20261202;

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
      // No active owner: no person, every person.* absent (a unit holds it, or nobody).
      const owner = d.owner ? owners.get(d.owner) : undefined;
      const p = owner?.active ? owner : null;
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
