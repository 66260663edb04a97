import { expect, it } from 'vitest';
import { buildDevice, buildPerson, devicesCsv, peopleCsv } from './helpers/builders.js';
import { makeCli } from './helpers/cli.js';
import {
  createTestDatabase,
  describeEachDatabase,
  type DatabaseKind,
} from './helpers/databases.js';

/**
 * A target whose string literal holds NUL (`"a\x00b"`) is judged, on PostgreSQL too (its text
 * cannot carry NUL, so that part is left to the closures), never an internal error.
 */
const mandate = (id: string, target: string) => `apiVersion: phaseout/v1
kind: Mandate
metadata: { id: ${id}, title: t, issuedAt: 2023-03-01 }
spec:
  target: '${target}'
  action: remove
  phases: [{ id: p, due: 2023-04-01, requires: resolve }]
`;

/** A fresh database of the kind and a CLI on it; `run` expects success and answers stdout. */
async function freshCli(kind: DatabaseKind) {
  const cli = makeCli(await createTestDatabase(kind), '2023-03-02T08:00:00Z');
  const run = async (...args: string[]) => {
    const r = await cli.run(...args);
    expect(r.code, r.err).toBe(0);
    return r.out;
  };
  return { cli, run };
}

describeEachDatabase('targets with a NUL in a literal', (kind) => {
  it('are judged like any other, on both databases', async () => {
    const { cli, run } = await freshCli(kind);
    await run('import', 'people', cli.file(peopleCsv([buildPerson({ id: 'p1', unit: 'Орг' })])));
    await run(
      'import',
      'devices',
      cli.file(
        devicesCsv([
          buildDevice({ id: 'd1', owner: 'p1', model: 'iPhone 13' }),
          buildDevice({ id: 'd2', owner: 'p1', model: 'a' }),
          buildDevice({ id: 'd3', owner: 'p1', model: '😀 phone' }),
          buildDevice({ id: 'd4', owner: 'p1', model: 'ｚ phone' }),
          buildDevice({ id: 'd5', owner: 'p1', model: 'Ёлка' }),
        ]),
      ),
    );
    expect(
      await run('apply', '-f', cli.file(mandate('ne', 'device.model != "a\\x00b"'))),
    ).toContain('created ne v1 (+5 −0)');
    expect(
      await run('apply', '-f', cli.file(mandate('inlist', 'device.model in ["a\\x00", "a"]'))),
    ).toContain('created inlist v1 (+1 −0)');
    expect(
      await run('apply', '-f', cli.file(mandate('eq', 'device.model == "iPhone 13\\u0000"'))),
    ).toContain('created eq v1 (+0 −0)');
  });

  it('order strings by code point, as CEL says, whatever the locale of the cluster', async () => {
    const { cli, run } = await freshCli(kind);
    await run('import', 'people', cli.file(peopleCsv([buildPerson({ id: 'p1' })])));
    const models = ['😀 phone', 'ｚ phone', 'Ёлка', 'Яблоко', 'apple', 'Zed'];
    await run(
      'import',
      'devices',
      cli.file(
        devicesCsv(models.map((model, i) => buildDevice({ id: `d${i}`, owner: 'p1', model }))),
      ),
    );
    const caught = async (id: string, target: string) => {
      await run('apply', '-f', cli.file(mandate(id, target)));
      const found = JSON.parse(await run('findings', id, '--format', 'json')) as {
        device: string;
      }[];
      return found.map((f) => models[Number(f.device.slice(1))]).sort();
    };
    // By code point: U+1F600 is above U+FF5A (by UTF-16 unit it would be below), Ё (U+0401) below
    // Я (U+042F), upper case below lower; a ru_RU collation would say otherwise for each.
    expect(await caught('emoji', 'device.model > "ｚ"')).toEqual(['😀 phone', 'ｚ phone']);
    expect(await caught('yo', 'device.model < "Я"')).toEqual(['Zed', 'apple', 'Ёлка']);
    expect(await caught('case', '"Zed" < device.model && device.model < "b"')).toEqual(['apple']);
  });
});
