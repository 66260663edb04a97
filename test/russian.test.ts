import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeApi, type Caller } from './helpers/api.js';
import { buildDevice, buildPerson, devicesCsv, peopleCsv } from './helpers/builders.js';
import { makeCli } from './helpers/cli.js';
import { createTestDatabase, describeEachDatabase } from './helpers/databases.js';

/**
 * Russian ground (the PostgreSQL half runs on a cluster initialised with ru_RU.UTF-8): search
 * folds Cyrillic, ё and accents the same on both databases, and unit scopes are subtrees of
 * paths — units that share a prefix (`Org/A`, `Org/A B`, `Org/AB`, `Отдел`, `Отделение`) are
 * not each other's.
 */
const MANDATE = `apiVersion: phaseout/v1
kind: Mandate
metadata: { id: iphones, title: Сдать iPhone, issuedAt: 2023-03-01 }
spec:
  target: device.platform == "ios"
  action: replace
  replacement: { catalogue: [aurora-phone] }
  phases: [{ id: replace, due: 2023-04-01, requires: resolve }]
---
apiVersion: phaseout/v1
kind: Mandate
metadata: { id: smartphones, title: Без смартфонов, issuedAt: 2023-03-01 }
spec:
  target: device.class == "smartphone"
  action: restrict-use
  phases:
    - { id: plan, due: 2023-03-10, requires: attest, attestBy: unit-head }
    - { id: stop, due: 2023-04-01, requires: resolve }
  exemptions: { allowed: true, grounds: [national-security], maxDuration: P90D, approver: officer }
---
apiVersion: phaseout/v1
kind: Mandate
metadata: { id: old-os, title: Старая ОС, issuedAt: 2023-03-01 }
spec:
  target: device.osVersion == "15.0"
  action: remove
  phases: [{ id: remove, due: 2023-04-01, requires: resolve }]
`;
const PASSWORD = 'correct horse battery';
const PEOPLE: (Record<string, string> & { id: string })[] = [
  { id: 'h1', name: 'Орлова Анна Сергеевна', unit: 'Org/A', head_of: 'Org/A' },
  { id: 'p1', name: 'Иванов Иван Петрович', unit: 'Org/A/x', email: 'ivanov@gov.example' },
  { id: 'p2', name: 'Елкин Пётр', unit: 'Org/A B' },
  { id: 'p3', name: 'José Müller', unit: 'Org/AB' },
  { id: 'h2', name: 'Сидоров Олег', unit: 'Отдел', head_of: 'Отдел' },
  { id: 'p4', name: 'Ёлкина Мария', unit: 'Отдел/Группа' },
  { id: 'p5', name: 'Петров Пётр', unit: 'Отделение' },
];

describeEachDatabase('Russian ground: search that folds, unit scopes that hold', (kind) => {
  let api: Awaited<ReturnType<typeof makeApi>>;
  let cli: ReturnType<typeof makeCli>;
  const as: Record<string, Caller> = {};
  const ids = async (who: string, url: string) => {
    const r = await api.call(as[who]!, { method: 'GET', url });
    expect(r.statusCode, `${url}: ${r.body}`).toBe(200);
    return r
      .json<{ items?: { id?: string; device?: string; person?: string }[] }>()
      .items!.map((x) => x.id ?? x.device ?? x.person)
      .sort();
  };

  beforeAll(async () => {
    const url = await createTestDatabase(kind);
    cli = makeCli(url, '2023-03-02T08:00:00Z');
    const run = async (...args: string[]) => {
      const r = await cli.run(...args);
      expect(r.code, r.err).toBe(0);
    };
    await run('import', 'people', cli.file(peopleCsv(PEOPLE.map((p) => buildPerson(p)))));
    await run(
      'import',
      'devices',
      cli.file(
        devicesCsv(
          PEOPLE.map((p) =>
            buildDevice({
              id: `d-${p.id}`,
              owner: p.id,
              manufacturer: 'Apple',
              model: p.id === 'p4' ? 'Смартфон Ёлка' : 'iPhone 13',
              serial: `SN-${p.id.toUpperCase()}`,
            }),
          ),
        ),
      ),
    );
    await run('apply', '-f', cli.file(MANDATE));
    api = await makeApi(url, '2023-03-03T09:00:00Z');
    for (const [who, roles, personId] of [
      ['admin', ['admin', 'officer'], null],
      ['logistics', ['logistics'], null],
      ['head-a', ['unit-head'], 'h1'],
      ['head-o', ['unit-head'], 'h2'],
    ] as const)
      await api.app.accounts.addUser(
        { email: `${who}@x.org`, password: PASSWORD, roles: [...roles], personId },
        'test',
      );
    for (const who of ['admin', 'logistics', 'head-a', 'head-o'])
      as[who] = await api.login(`${who}@x.org`, PASSWORD);
    await api.call(as.logistics!, {
      method: 'PUT',
      url: '/api/v1/catalogue/aurora-phone',
      payload: { class: 'smartphone', platform: 'aurora', manufacturer: 'ОМП', model: 'R570E' },
    });
    for (const p of PEOPLE) {
      const r = await api.call(as.admin!, {
        method: 'POST',
        url: '/api/v1/replacements',
        payload: { device: `d-${p.id}`, item: 'aurora-phone' },
      });
      expect(r.statusCode, r.body).toBe(201);
      // An exemption asked for every device: each head sees only their subtree's.
      const x = await api.call(as.admin!, {
        method: 'POST',
        url: '/api/v1/exemptions',
        payload: {
          mandate: 'smartphones',
          device: `d-${p.id}`,
          ground: 'national-security',
          until: '2023-04-30',
          reason: `причина ${p.id}`,
        },
      });
      expect(x.statusCode, x.body).toBe(201);
    }
    // Every unit's head attests the plan for their unit.
    for (const [unit, head] of [
      ['Org/A', 'h1'],
      ['Отдел', 'h2'],
    ] as const)
      await run(
        '--as',
        'admin@x.org',
        'attest',
        'smartphones',
        'plan',
        '--unit',
        unit,
        '--by',
        head,
      );
    // A declaration campaign over the whole organisation.
    const c = await api.call(as.admin!, {
      method: 'POST',
      url: '/api/v1/campaigns',
      payload: {
        id: 'devices-2023',
        title: 'Укажите устройства',
        scope: { units: ['Org', 'Отдел', 'Отделение'] },
        due: '2023-03-20',
      },
    });
    expect(c.statusCode, c.body).toBe(201);
  });
  afterAll(() => api?.close());

  it('finds people by a Cyrillic name in any case, ё as е both ways, accents ignored', async () => {
    const people = (q: string) => ids('admin', `/api/v1/people?q=${encodeURIComponent(q)}`);
    for (const q of ['иванов', 'ИВАНОВ', 'Иванов', 'иван петрович', 'ivanov@gov'])
      expect(await people(q), q).toEqual(['p1']);
    expect(await people('ёлкин')).toEqual(['p2', 'p4']);
    expect(await people('Елкин')).toEqual(['p2', 'p4']);
    // Пётр, and Петрович: a word is found inside a longer one.
    expect(await people('пётр')).toEqual(['p1', 'p2', 'p5']);
    expect(await people('jose')).toEqual(['p3']);
    expect(await people('MULLER')).toEqual(['p3']);
    expect(await people('100%')).toEqual([]);
    const devices = (q: string) => ids('admin', `/api/v1/devices?q=${encodeURIComponent(q)}`);
    expect(await devices('ёлка')).toEqual(['d-p4']);
    expect(await devices('СМАРТФОН')).toEqual(['d-p4']);
    expect(await devices('sn-p1')).toEqual(['d-p1']);
    // Within scope: a head of Отдел finds nobody of Org/A.
    expect(await ids('head-o', '/api/v1/people?q=иванов')).toEqual([]);
  });

  it('a head of Org/A sees Org/A and Org/A/x, never Org/A B or Org/AB', async () => {
    expect(await ids('head-a', '/api/v1/people')).toEqual(['h1', 'p1']);
    expect(await ids('head-a', '/api/v1/devices')).toEqual(['d-h1', 'd-p1']);
    expect(await ids('head-a', '/api/v1/findings?mandate=iphones')).toEqual(['d-h1', 'd-p1']);
    const orders = (
      await api.call(as['head-a']!, { method: 'GET', url: '/api/v1/replacements' })
    ).json<{ items: { device: string }[] }>();
    expect(orders.items.map((o) => o.device).sort()).toEqual(['d-h1', 'd-p1']);
    const status = (
      await api.call(as['head-a']!, {
        method: 'GET',
        url: '/api/v1/status?mandate=iphones&byUnit=true',
      })
    ).json<{ devices: { pending: number }; units: { unit: string }[] }>();
    expect(status.devices.pending).toBe(2);
    expect(status.units.map((u) => u.unit).sort()).toEqual(['Org/A', 'Org/A/x']);
  });

  it('a head of Отдел sees Отдел and Отдел/Группа, never Отделение', async () => {
    expect(await ids('head-o', '/api/v1/people')).toEqual(['h2', 'p4']);
    expect(await ids('head-o', '/api/v1/devices')).toEqual(['d-h2', 'd-p4']);
    expect(await ids('head-o', '/api/v1/findings?mandate=iphones')).toEqual(['d-h2', 'd-p4']);
    const orders = (
      await api.call(as['head-o']!, { method: 'GET', url: '/api/v1/replacements' })
    ).json<{ items: { device: string }[] }>();
    expect(orders.items.map((o) => o.device).sort()).toEqual(['d-h2', 'd-p4']);
    // The admin asking for the Org/A subtree gets it, and only it.
    expect(await ids('admin', `/api/v1/people?unit=${encodeURIComponent('Org/A')}`)).toEqual([
      'h1',
      'p1',
    ]);
    expect(await ids('admin', `/api/v1/people?unit=${encodeURIComponent('Отдел')}`)).toEqual([
      'h2',
      'p4',
    ]);
  });

  it('exports open as Russian Excel opens them: byte-order mark, `;`, no formula split out of a cell', async () => {
    const get = async (url: string) => {
      const r = await api.call(as.admin!, { method: 'GET', url });
      expect(r.statusCode, r.body).toBe(200);
      expect(r.headers['content-type']).toBe('text/csv; charset=utf-8');
      return r.body;
    };
    const findings = await get('/api/v1/findings?mandate=iphones&format=csv&dialect=excel-ru');
    expect(findings.startsWith('\uFEFFmandate;device;owner;unit;')).toBe(true);
    expect(findings).toContain(';Отдел/Группа;');
    expect(findings.split('\r\n').length).toBe(PEOPLE.length + 2);
    // The plain dialect stays what tools read.
    const plain = await get('/api/v1/findings?mandate=iphones&format=csv');
    expect(plain.startsWith('mandate,device,owner,unit,')).toBe(true);
    // A reason holding `;=` is one quoted cell, in either dialect.
    const orders = (
      await api.call(as.admin!, { method: 'GET', url: '/api/v1/replacements?device=d-p5' })
    ).json<{ items: { id: number }[] }>();
    const reject = await api.call(as.logistics!, {
      method: 'POST',
      url: `/api/v1/replacements/${orders.items[0]!.id}/reject`,
      payload: { reason: 'see note;=1+1;' },
    });
    expect(reject.statusCode, reject.body).toBe(200);
    for (const dialect of ['csv', 'excel-ru'])
      expect(await get(`/api/v1/replacements?format=csv&dialect=${dialect}`)).toContain(
        '"see note;=1+1;"',
      );
    const bad = await api.call(as.admin!, {
      method: 'GET',
      url: '/api/v1/exemptions?format=csv&dialect=excel',
    });
    expect(bad.statusCode).toBe(400);
    // The command line writes the same dialect when asked (--dialect or PHASEOUT_CSV_DIALECT).
    const out = await cli.run('--dialect', 'excel-ru', 'findings', 'iphones', '--format', 'csv');
    expect(out.code, out.err).toBe(0);
    expect(out.out.startsWith('\uFEFFmandate;device;owner;unit;')).toBe(true);
    const wrong = await cli.run('--dialect', 'excel', 'findings', 'iphones', '--format', 'csv');
    expect(wrong.code).toBe(2);
    expect(wrong.err).toContain('--dialect "excel": use csv or excel-ru');
    expect(bad.json<{ details: { where: string }[] }>().details[0]!.where).toBe('dialect');
  });

  it('every other unit-scoped answer holds for both heads: exemptions, unknowns, attestations, campaigns, registers', async () => {
    const subtrees = {
      'head-a': { people: ['h1', 'p1'], units: ['Org/A', 'Org/A/x'] },
      'head-o': { people: ['h2', 'p4'], units: ['Отдел', 'Отдел/Группа'] },
    } as const;
    for (const [who, want] of Object.entries(subtrees)) {
      const devices = want.people.map((p) => `d-${p}`);
      const get = async (url: string) => {
        const r = await api.call(as[who]!, { method: 'GET', url });
        expect(r.statusCode, `${who} ${url}: ${r.body}`).toBe(200);
        return r;
      };
      const exemptions = (await get('/api/v1/exemptions?mandate=smartphones')).json<{
        items: { device: string }[];
      }>();
      expect(exemptions.items.map((e) => e.device).sort(), who).toEqual(devices);
      const register = (await get('/api/v1/exemptions?format=csv&dialect=excel-ru')).body;
      for (const p of PEOPLE)
        expect(register.includes(`причина ${p.id}`), `${who} register ${p.id}`).toBe(
          (want.people as readonly string[]).includes(p.id),
        );
      // Unknowns: no device has an OS version, so each is undecided for "old-os".
      expect(await ids(who, '/api/v1/findings?mandate=old-os&state=unknown')).toEqual(devices);
      const attestations = (await get('/api/v1/attestations?mandate=smartphones')).json<
        { unit: string | null }[]
      >();
      expect(
        attestations.map((a) => a.unit),
        who,
      ).toEqual([want.units[0]]);
      const people = (await get('/api/v1/campaigns/devices-2023/people')).json<{
        items: { person: string }[];
      }>();
      expect(people.items.map((x) => x.person).sort(), who).toEqual([...want.people]);
      const findings = (await get('/api/v1/findings?mandate=iphones&format=csv')).body;
      for (const p of PEOPLE)
        expect(findings.includes(`d-${p.id},`), `${who} findings CSV d-${p.id}`).toBe(
          (want.people as readonly string[]).includes(p.id),
        );
    }
  });
});
