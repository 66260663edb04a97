import { afterAll, beforeAll, expect, it } from 'vitest';
import { compareText } from '../src/domain/text.order.js';
import { makeApi, type Caller } from './helpers/api.js';
import { buildDevice, buildPerson, devicesCsv, peopleCsv } from './helpers/builders.js';
import { makeCli } from './helpers/cli.js';
import { createTestDatabase, describeEachDatabase } from './helpers/databases.js';

/**
 * One order of names (`domain/text.order.ts`): the same on SQLite, on PostgreSQL initialised
 * with ru_RU.UTF-8 and in the services. The names are ones that BINARY (upper case first, `Ё`
 * before `А`) and en_US (`Отдел 10` before `Отдел 2`) order differently.
 */
const ORDERED = [
  'abbott Mary',
  'Émile Zola',
  'Zeta Ltd',
  'Абрамов Ян',
  'ёж',
  'Ежов',
  'елизаров Олег',
  'Ёлкин Пётр',
  'Жуков Иван',
  'Отдел 2',
  'Отдел 10',
];
const SHUFFLED = [5, 9, 0, 7, 2, 10, 3, 8, 1, 6, 4].map((i) => ORDERED[i]!);

const MANDATE = `apiVersion: phaseout/v1
kind: Mandate
metadata: { id: iphones, title: iPhones, issuedAt: 2023-03-01 }
spec:
  scope: { units: [Org] }
  target: device.platform == "ios"
  action: replace
  phases: [{ id: stop, due: 2023-04-01, requires: resolve }]
`;

describeEachDatabase('one order of names everywhere', (kind) => {
  let api: Awaited<ReturnType<typeof makeApi>>;
  let admin: Caller;
  const names = async (url: string, pick: (x: Record<string, unknown>) => unknown) => {
    const r = await api.call(admin, { method: 'GET', url });
    expect(r.statusCode, r.body).toBe(200);
    return r.json<{ items: Record<string, unknown>[] }>().items.map(pick);
  };

  beforeAll(async () => {
    const url = await createTestDatabase(kind);
    const cli = makeCli(url, '2023-03-02T08:00:00Z');
    const people = SHUFFLED.map((name, i) => buildPerson({ id: `p${i}`, name }));
    expect((await cli.run('import', 'people', cli.file(peopleCsv(people)))).code).toBe(0);
    const devices = SHUFFLED.map((_, i) => buildDevice({ id: `d-p${i}`, owner: `p${i}` }));
    expect((await cli.run('import', 'devices', cli.file(devicesCsv(devices)))).code).toBe(0);
    const applied = await cli.run('apply', '-f', cli.file(MANDATE));
    expect(applied.code, applied.err).toBe(0);
    api = await makeApi(url, '2023-03-03T09:00:00Z');
    await api.app.accounts.addUser(
      { email: 'admin@x.org', password: 'correct horse battery', roles: ['admin', 'officer'] },
      'test',
    );
    admin = await api.login('admin@x.org', 'correct horse battery');
  });
  afterAll(() => api?.close());

  it('the services order names as the one rule does', () => {
    expect([...SHUFFLED].sort(compareText())).toEqual(ORDERED);
  });

  it('people by name, devices by owner and findings by owner come in that order', async () => {
    expect(await names('/api/v1/people?sort=name', (p) => p.name)).toEqual(ORDERED);
    expect(await names('/api/v1/people?sort=-name', (p) => p.name)).toEqual([...ORDERED].reverse());
    const ownerOf = new Map(SHUFFLED.map((n, i) => [`p${i}`, n]));
    expect(
      await names('/api/v1/devices?sort=owner', (d) => ownerOf.get(d.owner as string)),
    ).toEqual(ORDERED);
    expect(
      await names('/api/v1/findings?mandate=iphones&sort=owner', (f) =>
        ownerOf.get(f.owner as string),
      ),
    ).toEqual(ORDERED);
  });
});
