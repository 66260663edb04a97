import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeApi, type Caller } from './helpers/api.js';
import { buildDevice, buildPerson, devicesCsv, peopleCsv } from './helpers/builders.js';
import { makeCli } from './helpers/cli.js';
import { createTestDatabase, describeEachDatabase } from './helpers/databases.js';

const MANDATE = `apiVersion: phaseout/v1
kind: Mandate
metadata: { id: iphones, title: Replace iPhones, issuedAt: 2023-03-01 }
spec:
  target: device.platform == "ios"
  action: replace
  replacement: { catalogue: [aurora-phone] }
  exemptions: { allowed: true, grounds: [national-security], maxDuration: P30D, approver: officer }
  phases: [{ id: replace, due: 2023-04-01, requires: resolve }]
`;

// Twelve people whose names do not sort like their ids, each with an iPhone (the last three in
// another unit), and one Android phone.
const NAMES = ['Mila', 'Anna', 'Zoe', 'Boris', 'Yana', 'Carl', 'Xenia', 'Dmitri', 'Wanda', 'Egor'];
const PEOPLE = [...NAMES, 'Vera', 'Fedor'].map((name, i) => ({
  id: `p${String(i + 1).padStart(2, '0')}`,
  name,
  unit: i < 9 ? 'Org/A' : 'Org/B',
}));
const MODELS = ['iPhone 12', 'iPhone 13', 'iPhone 14'];

type Page<T> = { items: T[]; total: number; offset: number; limit: number };
type Row = { device: string; owner: string; ownerName: string; deviceName: string };

describeEachDatabase('lists a page at a time, sorted, with the total', (kind) => {
  let api: Awaited<ReturnType<typeof makeApi>>;
  let officer: Caller;
  let head: Caller;
  let url: string;

  beforeAll(async () => {
    url = await createTestDatabase(kind);
    const cli = makeCli(url, '2023-02-20T12:00:00Z');
    await cli.run(
      'import',
      'people',
      cli.file(peopleCsv(PEOPLE.map((p) => buildPerson(p)))),
      '--observed-at',
      '2023-02-20',
    );
    await cli.run(
      'import',
      'devices',
      cli.file(
        devicesCsv([
          ...PEOPLE.map((p, i) =>
            buildDevice({
              id: `d${String(i + 1).padStart(2, '0')}`,
              owner: p.id,
              manufacturer: 'Apple',
              model: MODELS[i % 3]!,
              serial: `SN-${i + 1}`,
            }),
          ),
          buildDevice({ id: 'a1', owner: 'p01', platform: 'android', model: 'Pixel 7' }),
        ]),
      ),
      '--observed-at',
      '2023-02-20',
    );
    cli.at('2023-02-25T12:00:00Z');
    expect((await cli.run('apply', '-f', cli.file(MANDATE))).code).toBe(0);
    api = await makeApi(url, '2023-03-20T09:00:00Z');
    await api.app.accounts.addUser(
      { email: 'officer@x.org', password: 'pw-officer-123', roles: ['officer'], units: [] },
      'test',
    );
    await api.app.accounts.addUser(
      {
        email: 'head@x.org',
        password: 'pw-head-12345',
        roles: ['unit-head'],
        units: ['Org/B'],
      },
      'test',
    );
    officer = await api.login('officer@x.org', 'pw-officer-123');
    head = await api.login('head@x.org', 'pw-head-12345');
  });
  afterAll(() => api.close());

  const get = async <T>(who: Caller, url: string): Promise<T> => {
    const r = await api.call(who, { method: 'GET', url });
    expect(r.statusCode, r.body).toBe(200);
    return r.json<T>();
  };

  it('findings: a page with the total, names and models, sorted either way, and all as CSV', async () => {
    const first = await get<Page<Row>>(officer, '/api/v1/findings?mandate=iphones&limit=5');
    expect(first).toMatchObject({ total: 12, offset: 0, limit: 5 });
    expect(first.items.map((r) => r.device)).toEqual(['d01', 'd02', 'd03', 'd04', 'd05']);
    expect(first.items[0]).toMatchObject({ ownerName: 'Mila', deviceName: 'Apple iPhone 12' });
    const byName = await get<Page<Row>>(
      officer,
      '/api/v1/findings?mandate=iphones&sort=owner&offset=5&limit=5',
    );
    const sorted = [...NAMES, 'Vera', 'Fedor'].sort((a, b) => a.localeCompare(b));
    expect(byName.items.map((r) => r.ownerName)).toEqual(sorted.slice(5, 10));
    const desc = await get<Page<Row>>(officer, '/api/v1/findings?mandate=iphones&sort=-owner');
    expect(desc.items.map((r) => r.ownerName)).toEqual([...sorted].reverse());
    const byModel = await get<Page<Row>>(officer, '/api/v1/findings?mandate=iphones&sort=device');
    expect(byModel.items.map((r) => r.deviceName)).toEqual(
      [...byModel.items.map((r) => r.deviceName)].sort(),
    );
    // Past the end: no rows, the same total.
    expect(
      await get<Page<Row>>(officer, '/api/v1/findings?mandate=iphones&offset=50'),
    ).toMatchObject({ items: [], total: 12 });
    // A unit head counts and pages within their unit only.
    expect(
      (await get<Page<Row>>(head, '/api/v1/findings?mandate=iphones')).items.map((r) => r.owner),
    ).toEqual(['p10', 'p11', 'p12']);
    const csv = await api.call(officer, {
      method: 'GET',
      url: '/api/v1/findings?mandate=iphones&format=csv',
    });
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body.trim().split('\n')).toHaveLength(13);
    const bad = await api.call(officer, {
      method: 'GET',
      url: '/api/v1/findings?mandate=iphones&sort=colour&limit=0',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ details: { where: string }[] }>().details.map((d) => d.where)).toEqual([
      'sort',
      'limit',
    ]);
  });

  it('people and devices: the total, an offset, sorting by name, model or owner', async () => {
    const people = await get<Page<{ name: string }>>(
      officer,
      '/api/v1/people?sort=name&offset=2&limit=3',
    );
    const names = [...NAMES, 'Vera', 'Fedor'].sort((a, b) => a.localeCompare(b));
    expect(people).toMatchObject({ total: 12, offset: 2, limit: 3 });
    expect(people.items.map((p) => p.name)).toEqual(names.slice(2, 5));
    const last = await get<Page<{ name: string }>>(officer, '/api/v1/people?sort=-name&limit=1');
    expect(last.items.map((p) => p.name)).toEqual([names.at(-1)]);
    expect((await get<Page<unknown>>(officer, '/api/v1/people?unit=Org/B')).total).toBe(3);

    const devices = await get<Page<{ id: string; model: string; ownerName: string | null }>>(
      officer,
      '/api/v1/devices?sort=owner&limit=2',
    );
    expect(devices.total).toBe(13);
    // Anna owns d02; Mila owns d01 and the Android phone.
    expect(devices.items.map((d) => [d.id, d.ownerName])).toEqual([
      ['d02', 'Anna'],
      ['d04', 'Boris'],
    ]);
    const byModel = await get<Page<{ model: string }>>(officer, '/api/v1/devices?sort=-model');
    expect(byModel.items[0]!.model).toBe('iPhone 14');
    // Found by serial too.
    expect(
      (await get<Page<{ id: string }>>(officer, '/api/v1/devices?q=SN-7')).items.map((d) => d.id),
    ).toEqual(['d07']);
  });

  it('the audit log newest first, with the total', async () => {
    const auditor = await (async () => {
      await api.app.accounts.addUser(
        { email: 'auditor@x.org', password: 'pw-auditor-12', roles: ['auditor'], units: [] },
        'test',
      );
      return api.login('auditor@x.org', 'pw-auditor-12');
    })();
    const oldest = await get<Page<{ seq: number }>>(auditor, '/api/v1/audit?limit=2');
    const newest = await get<Page<{ seq: number }>>(auditor, '/api/v1/audit?order=desc&limit=2');
    expect(oldest.items.map((e) => e.seq)).toEqual([1, 2]);
    expect(newest.total).toBe(oldest.total);
    expect(newest.items.map((e) => e.seq)).toEqual([newest.total, newest.total - 1]);
    const next = await get<Page<{ seq: number }>>(
      auditor,
      '/api/v1/audit?order=desc&offset=2&limit=2',
    );
    expect(next.items.map((e) => e.seq)).toEqual([newest.total - 2, newest.total - 3]);
  });

  it('exemptions and orders: a page with the total, names, sorted; a unit head sees their unit only', async () => {
    await api.app.accounts.addUser(
      { email: 'logistics@x.org', password: 'pw-logistics-1', roles: ['logistics'], units: [] },
      'test',
    );
    const logistics = await api.login('logistics@x.org', 'pw-logistics-1');
    const item = await api.call(logistics, {
      method: 'PUT',
      url: '/api/v1/catalogue/aurora-phone',
      payload: { class: 'smartphone', platform: 'aurora', manufacturer: 'F+ tech', model: 'R570E' },
    });
    expect(item.statusCode, item.body).toBe(200);
    for (const [i, p] of PEOPLE.entries()) {
      const device = `d${String(i + 1).padStart(2, '0')}`;
      const ex = await api.call(officer, {
        method: 'POST',
        url: '/api/v1/exemptions',
        payload: {
          mandate: 'iphones',
          device,
          ground: 'national-security',
          until: '2023-04-10',
          reason: `secure line for ${p.name}`,
        },
      });
      expect(ex.statusCode, ex.body).toBe(201);
      const order = await api.call(officer, {
        method: 'POST',
        url: '/api/v1/replacements',
        payload: { device, item: 'aurora-phone' },
      });
      expect(order.statusCode, order.body).toBe(201);
    }
    type Ex = { device: string; ownerName: string; deviceName: string };
    const first = await get<Page<Ex>>(officer, '/api/v1/exemptions?sort=owner&limit=5');
    expect(first.total).toBe(12);
    expect(first.items.map((e) => e.ownerName)).toEqual([
      'Anna',
      'Boris',
      'Carl',
      'Dmitri',
      'Egor',
    ]);
    expect(first.items[0]).toMatchObject({ device: 'd02', deviceName: 'Apple iPhone 13' });
    const last = await get<Page<Ex>>(officer, '/api/v1/exemptions?sort=-owner&offset=10&limit=5');
    expect(last.items.map((e) => e.ownerName)).toEqual(['Boris', 'Anna']);
    const newest = await get<Page<Ex>>(officer, '/api/v1/exemptions?limit=1');
    expect(newest.items[0]!.device).toBe('d12');
    const theirs = await get<Page<Ex>>(head, '/api/v1/exemptions');
    expect(theirs.total).toBe(3);

    type Ord = { device: string; personName: string; deviceName: string; itemName: string };
    const orders = await get<Page<Ord>>(officer, '/api/v1/replacements?sort=owner&limit=3');
    expect(orders.total).toBe(12);
    expect(orders.items.map((o) => o.personName)).toEqual(['Anna', 'Boris', 'Carl']);
    expect(orders.items[0]).toMatchObject({
      deviceName: 'Apple iPhone 13',
      itemName: 'F+ tech R570E',
    });
    const page2 = await get<Page<Ord>>(officer, '/api/v1/replacements?offset=10&limit=5');
    expect(page2.items.map((o) => o.device)).toEqual(['d02', 'd01']);
    expect((await get<Page<Ord>>(head, '/api/v1/replacements')).total).toBe(3);
    // One order by its id (a link to an order opens it alone); out of scope reads as none.
    const one = orders.items[0]! as Ord & { id: number };
    expect((await get<Page<Ord>>(officer, `/api/v1/replacements?id=${one.id}`)).items).toEqual([
      expect.objectContaining({ id: one.id, personName: 'Anna' }),
    ]);
    expect((await get<Page<Ord>>(head, `/api/v1/replacements?id=${one.id}`)).total).toBe(0);
    const bad = await api.call(officer, {
      method: 'GET',
      url: '/api/v1/replacements?sort=colour&limit=0',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ details: { where: string; code?: string }[] }>().details).toEqual([
      expect.objectContaining({ where: 'sort', code: 'not_one_of' }),
      expect.objectContaining({ where: 'limit', code: 'too_small' }),
    ]);
  });

  it('findings paged by the database: every page as the whole list sorted, in every state', async () => {
    // Later than the other tests look: d03 stops being an iPhone, d04 is lost, d05 moves to Org/B.
    const cli = makeCli(url, '2023-03-25T12:00:00Z');
    const changed = [
      buildDevice({ id: 'd03', owner: 'p03', platform: 'android', model: 'Pixel 7' }),
      buildDevice({ id: 'd04', owner: 'p04', status: 'lost', model: 'iPhone 12' }),
    ];
    expect(
      (
        await cli.run(
          'import',
          'devices',
          cli.file(devicesCsv(changed)),
          '--observed-at',
          '2023-03-25',
        )
      ).code,
    ).toBe(0);
    type Full = Row & { unit: string; opened: string; closed: string | null; state: string };
    const codePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    for (const asOf of ['2023-03-28', '2023-04-05']) {
      for (const filter of [
        '',
        '&states=pending,overdue',
        '&states=resolved,lost',
        '&unit=Org/B',
      ]) {
        for (const who of [officer, head]) {
          const base = `/api/v1/findings?mandate=iphones&asOf=${asOf}${filter}`;
          const all = (await get<Page<Full>>(who, `${base}&limit=500&sort=device`)).items;
          for (const sort of ['opened', '-opened', 'state', '-state', 'closed', '-closed']) {
            const key = sort.replace('-', '') as 'opened' | 'state' | 'closed';
            const sign = sort.startsWith('-') ? -1 : 1;
            const value = (r: Full) => (key === 'closed' ? (r.closed ?? '\uffff') : r[key]);
            const expected = [...all]
              .sort(
                (a, b) =>
                  sign * codePoint(value(a), value(b)) ||
                  codePoint(a.opened, b.opened) ||
                  codePoint(a.device, b.device),
              )
              .map((r) => `${r.device} ${r.state}`);
            const got: string[] = [];
            for (let offset = 0; offset < all.length + 3; offset += 3) {
              const page = await get<Page<Full>>(
                who,
                `${base}&sort=${sort}&limit=3&offset=${offset}`,
              );
              expect(page.total, `${base} ${sort}`).toBe(all.length);
              got.push(...page.items.map((r) => `${r.device} ${r.state}`));
            }
            expect(got, `${base} ${sort}`).toEqual(expected);
          }
        }
      }
    }
    // Every state is there to be sorted: still open and overdue, resolved, lost.
    const states = (
      await get<Page<Full>>(officer, '/api/v1/findings?mandate=iphones&asOf=2023-04-05&limit=500')
    ).items.map((r) => r.state);
    expect(new Set(states)).toEqual(new Set(['overdue', 'resolved', 'lost']));
  });
});
