import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeApi, type Caller } from './helpers/api.js';
import { buildPerson, peopleCsv } from './helpers/builders.js';
import { makeCli } from './helpers/cli.js';
import { createTestDatabase, describeEachDatabase } from './helpers/databases.js';

const PASSWORD = 'correct horse battery';
type Page = { items: { person: string; name: string; state: string }[]; total: number };

describeEachDatabase('the people of a campaign: a page at a time, searched, scoped', (kind) => {
  let api: Awaited<ReturnType<typeof makeApi>>;
  const as: Record<string, Caller> = {};
  const get = async (who: string, url: string) => {
    const r = await api.call(as[who]!, { method: 'GET', url });
    expect(r.statusCode, r.body).toBe(200);
    return r;
  };

  beforeAll(async () => {
    const url = await createTestDatabase(kind);
    const cli = makeCli(url, '2023-03-01T08:00:00Z');
    const people = [
      buildPerson({ id: 'h1', name: 'Петров Пётр', unit: 'Org/A', head_of: 'Org/A' }),
      buildPerson({ id: 'h2', name: 'Сидорова Анна', unit: 'Org/AB', head_of: 'Org/AB' }),
      buildPerson({ id: 'p1', name: 'Иванов Иван Петрович', unit: 'Org/A/x' }),
      buildPerson({ id: 'p2', name: 'Ёлкин Семён', unit: 'Org/A B' }),
      buildPerson({ id: 'p3', name: 'José Ortega', unit: 'Org/AB' }),
      ...Array.from({ length: 120 }, (_, i) =>
        buildPerson({
          id: `q${String(i).padStart(3, '0')}`,
          name: `Сотрудник ${i}`,
          unit: 'Org/A',
        }),
      ),
    ];
    expect((await cli.run('import', 'people', cli.file(peopleCsv(people)))).code).toBe(0);
    api = await makeApi(url, '2023-03-02T09:00:00Z');
    for (const [who, roles, personId] of [
      ['officer', ['officer'], null],
      ['headA', ['unit-head'], 'h1'],
      ['headAB', ['unit-head'], 'h2'],
      ['ivan', ['official'], 'p1'],
    ] as const)
      await api.app.accounts.addUser(
        { email: `${who}@x.org`, password: PASSWORD, roles: [...roles], personId, units: [] },
        'test',
      );
    for (const who of ['officer', 'headA', 'headAB', 'ivan'])
      as[who] = await api.login(`${who}@x.org`, PASSWORD);
    const opened = await api.call(as.officer!, {
      method: 'POST',
      url: '/api/v1/campaigns',
      payload: { id: 'c1', title: 'Декларация', scope: { units: ['Org'] }, due: '2023-03-10' },
    });
    expect(opened.statusCode, opened.body).toBe(201);
    await api.call(as.ivan!, {
      method: 'POST',
      url: '/api/v1/campaigns/c1/declarations',
      payload: { none: true },
    });
    for (const [who, unit] of [
      ['headA', 'Org/A'],
      ['headAB', 'Org/AB'],
    ] as const) {
      const open = (
        await api.call(as[who]!, {
          method: 'GET',
          url: `/api/v1/campaigns/c1/people?limit=1000&state=not-started&unit=${encodeURIComponent(unit)}`,
        })
      ).json<Page>().items;
      const r = await api.call(as[who]!, {
        method: 'POST',
        url: '/api/v1/campaigns/c1/attestations',
        payload: { unit, exceptions: open.map((p) => ({ person: p.person, reason: 'в отпуске' })) },
      });
      expect(r.statusCode, r.body.slice(0, 300)).toBe(201);
    }
  });
  afterAll(() => api?.close());

  it('answers a page with the total, not everyone at once', async () => {
    const page = (await get('officer', '/api/v1/campaigns/c1/people')).json<Page>();
    expect(page.total).toBe(125);
    expect(page.items).toHaveLength(100);
    // Who has not started comes first.
    expect(page.items.every((p) => p.state === 'not-started')).toBe(true);
    const next = (
      await get('officer', '/api/v1/campaigns/c1/people?offset=100&limit=50')
    ).json<Page>();
    expect(next.items).toHaveLength(25);
    expect(next.items.at(-1)!.state).toBe('confirmed');
  });

  it('finds people by any case of a Cyrillic name, ё as е, accents ignored', async () => {
    for (const q of ['иванов', 'ИВАНОВ', 'Иванов петрович'])
      expect(
        (await get('officer', `/api/v1/campaigns/c1/people?q=${encodeURIComponent(q)}`))
          .json<Page>()
          .items.map((p) => p.person),
        q,
      ).toEqual(['p1']);
    for (const [q, id] of [
      ['елкин', 'p2'],
      ['jose', 'p3'],
    ])
      expect(
        (await get('officer', `/api/v1/campaigns/c1/people?q=${encodeURIComponent(q!)}`))
          .json<Page>()
          .items.map((p) => p.person),
      ).toEqual([id]);
  });

  it('filters by unit by whole path segments, by state and by person', async () => {
    const of = async (query: string) =>
      (await get('officer', `/api/v1/campaigns/c1/people?limit=1000&${query}`))
        .json<Page>()
        .items.map((p) => p.person)
        .filter((id) => !id.startsWith('q'))
        .sort();
    expect(await of(`unit=${encodeURIComponent('Org/A')}`)).toEqual(['h1', 'p1']);
    expect(await of(`unit=${encodeURIComponent('Org/A B')}`)).toEqual(['p2']);
    expect(await of(`unit=${encodeURIComponent('Org/AB')}`)).toEqual(['h2', 'p3']);
    expect(await of('state=confirmed')).toEqual(['p1']);
    expect(await of('person=p3')).toEqual(['p3']);
  });

  it('a unit head sees their subtree only, people and attestations alike', async () => {
    const page = (await get('headA', '/api/v1/campaigns/c1/people?limit=1000')).json<Page>();
    expect(
      page.items
        .map((p) => p.person)
        .filter((id) => !id.startsWith('q'))
        .sort(),
    ).toEqual(['h1', 'p1']);
    const seen = (await get('headA', '/api/v1/campaigns/c1')).json<{
      attestations: { unit: string; byName: string }[];
    }>().attestations;
    expect(seen).toEqual([expect.objectContaining({ unit: 'Org/A', byName: 'Петров Пётр' })]);
    const other = (await get('headAB', '/api/v1/campaigns/c1')).json<{
      attestations: { unit: string }[];
    }>().attestations;
    expect(other.map((a) => a.unit)).toEqual(['Org/AB']);
  });

  it('exports the whole list, as filtered, as CSV', async () => {
    const r = await get(
      'officer',
      `/api/v1/campaigns/c1/people?format=csv&unit=${encodeURIComponent('Org/A')}`,
    );
    expect(r.headers['content-type']).toMatch(/^text\/csv/);
    const lines = r.body.trim().split(/\r?\n/);
    expect(lines[0]).toBe('person,name,unit,state,declared,usesNone,confirmedAt,late');
    expect(lines).toHaveLength(1 + 2 + 120);
    expect(r.body).toContain('Иванов Иван Петрович');
  });
});
