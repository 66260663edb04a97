import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEVICE_STATUSES, type Device } from '../src/domain/device.model.js';
import { parseMandateFile } from '../src/domain/mandate.parse.js';
import { scopeOf } from '../src/domain/scope.js';
import { startOfDay } from '../src/domain/time.js';
import {
  evaluateWholeMandate,
  type EvalOutcome,
  type LoadedMandate,
} from '../src/services/evaluation.service.js';
import { openStore, type Store } from '../src/store/database.js';
import { deviceToRow, insertDevices } from '../src/store/devices.repository.js';
import { insertPeople, personToRow } from '../src/store/people.repository.js';
import type { Db } from '../src/store/schema.js';
import { Rollback, writeTransaction } from '../src/store/transaction.js';
import { createTestDatabase, describeEachDatabase } from './helpers/databases.js';
import { storedDevice, storedPerson, TAGS, target, UNITS } from './helpers/targets.js';

/**
 * A first application opens its findings in one SQL statement when the target's SQL is exact
 * (issue: national scale, "apply ≤ 1 s"): on random people, devices, targets and scopes it
 * must write exactly the findings and unknowns that judging every device in JavaScript writes,
 * at the same instants, and answer the same counts and errors.
 */
const SEED = 20261203;
const DAY = 86_400_000;
const ISSUED = Date.parse('2023-03-01T00:00:00Z');

describeEachDatabase(
  'a first application in the database agrees with judging each device',
  (kind) => {
    let store: Store;

    beforeAll(async () => {
      store = await openStore(await createTestDatabase(kind));
      // Some owners left, some devices not active, some with no owner or one nobody knows; the
      // last changes fall before and after the issue day.
      const people = Array.from({ length: 40 }, (_, i) => {
        const p = fc.sample(storedPerson(i), { numRuns: 1, seed: SEED + i })[0]!;
        return { ...p, unit: i % 9 === 0 ? 'Org' : p.unit, active: i % 7 !== 3 };
      });
      const devices = Array.from({ length: 300 }, (_, i): Device => {
        const d = fc.sample(storedDevice(i, people.length), { numRuns: 1, seed: SEED * 7 + i })[0]!;
        const owner = i % 13 === 0 ? null : i % 17 === 0 ? 'p-gone' : d.owner;
        return { ...d, owner, status: i % 11 === 0 ? DEVICE_STATUSES[i % 3]! : 'active' };
      });
      await insertPeople(
        store.db,
        people.map((p, i) =>
          personToRow(p, { created: 0, changed: ISSUED + ((i % 5) - 2) * DAY, seen: 0 }),
        ),
      );
      await insertDevices(
        store.db,
        devices.map((d, i) =>
          deviceToRow(d, { created: 0, changed: ISSUED + ((i % 7) - 3) * DAY, seen: 0 }),
        ),
      );
    });
    afterAll(() => store.close());

    const scope = fc.record({
      units: fc.subarray([...UNITS, 'Org']),
      tags: fc.subarray(TAGS),
      exclude: fc.record({
        people: fc.subarray(['p1', 'p2', 'p5', 'p9', 'p-none']),
        tags: fc.subarray(TAGS),
      }),
    });

    /** What an evaluation wrote and answered, rolled back. */
    const run = (m: LoadedMandate, from: number, sinceLastChange: boolean, inDatabase: boolean) =>
      writeTransaction<Written>(store, async (tx) => {
        const outcome = await evaluateWholeMandate(
          tx,
          m,
          { kind: 'first', from, sinceLastChange },
          inDatabase,
        );
        throw new Rollback({ outcome: summary(outcome), ...(await written(tx, m.id)) });
      });

    it('writes the same findings and unknowns on random targets and scopes', async () => {
      const seen = { caught: 0, unknown: 0, runs: 0 };
      await fc.assert(
        fc.asyncProperty(
          target(false),
          scope,
          fc.boolean(),
          fc.integer({ min: -4, max: 4 }),
          async (source, s, sinceLastChange, fromDay) => {
            const parsed = parseMandateFile(mandateYaml(source, s), 'm.yaml');
            expect(parsed.problems).toEqual([]);
            const p = parsed.mandates[0]!;
            const m: LoadedMandate = {
              id: p.doc.metadata.id,
              version: 1,
              digest: p.digest,
              doc: p.doc,
              judge: { scope: scopeOf(p.doc), target: p.target },
              issuedAt: startOfDay(p.doc.metadata.issuedAt, 'UTC'),
            };
            const from = ISSUED + fromDay * DAY;
            const inJs = await run(m, from, sinceLastChange, false);
            const inDb = await run(m, from, sinceLastChange, true);
            expect(inDb, `${source} ${JSON.stringify(s)} ${sinceLastChange} ${fromDay}`).toEqual(
              inJs,
            );
            seen.runs++;
            seen.caught += inJs.findings.length;
            seen.unknown += inJs.unknowns.length;
          },
        ),
        { numRuns: 120, seed: SEED },
      );
      // The property met both kinds of outcome, often.
      expect(seen.runs).toBeGreaterThan(100);
      expect(seen.caught).toBeGreaterThan(1000);
      expect(seen.unknown).toBeGreaterThan(100);
    });
  },
);

function mandateYaml(source: string, scope: object): string {
  return `apiVersion: phaseout/v1
kind: Mandate
metadata: { id: first-test, title: M, issuedAt: 2023-03-01 }
spec:
  scope: ${JSON.stringify(scope)}
  target: ${JSON.stringify(source)}
  action: remove
  phases: [{ id: p, due: 2023-04-01, requires: resolve }]
`;
}

interface Written {
  outcome: ReturnType<typeof summary>;
  findings: Awaited<ReturnType<typeof written>>['findings'];
  unknowns: Awaited<ReturnType<typeof written>>['unknowns'];
}

/** An outcome without the order its samples were met in. */
function summary(o: EvalOutcome) {
  return {
    opened: o.opened,
    closed: o.closed,
    unknown: o.unknown,
    sampled: o.sample.opened.map((x) => `${x.device} ${x.owner}`).sort(),
    errors: o.errors.map((e) => `${e.device} ${e.error}`).sort(),
  };
}

async function written(tx: Db, mandateId: string) {
  const findings = await tx
    .selectFrom('findings')
    .select(['device_id', 'owner_id', 'unit', 'opened_at', 'closed_at'])
    .where('mandate_id', '=', mandateId)
    .orderBy('device_id')
    .execute();
  const unknowns = await tx
    .selectFrom('unknowns')
    .select(['device_id', 'owner_id', 'unit', 'reason', 'opened_at', 'closed_at'])
    .where('mandate_id', '=', mandateId)
    .orderBy('device_id')
    .execute();
  return {
    findings: findings.map((f) => ({ ...f, opened_at: Number(f.opened_at) })),
    unknowns: unknowns.map((u) => ({ ...u, opened_at: Number(u.opened_at) })),
  };
}
