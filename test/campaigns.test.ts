import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeApi, type Caller } from './helpers/api.js';
import { buildPerson, peopleCsv } from './helpers/builders.js';
import { makeCli } from './helpers/cli.js';
import { createTestDatabase, describeEachDatabase } from './helpers/databases.js';

const MANDATE = `apiVersion: phaseout/v1
kind: Mandate
metadata: { id: iphones, title: Replace iPhones, issuedAt: 2023-03-01 }
spec:
  scope: { units: [Admin/Policy] }
  target: device.platform == "ios"
  action: replace
  phases: [{ id: replace, due: 2023-04-01, requires: resolve }]
`;
const PASSWORD = 'correct horse battery';
const IPHONE = {
  class: 'smartphone',
  platform: 'iOS',
  manufacturer: 'Apple',
  model: 'iPhone 14',
  ownership: 'personal',
  purposes: ['official'],
  serial: 'OWN-IP-1',
};

describeEachDatabase('declaration campaigns: the devices no system knows', (kind) => {
  let api: Awaited<ReturnType<typeof makeApi>>;
  let cli: ReturnType<typeof makeCli>;
  const as: Record<string, Caller> = {};
  const call = (who: string, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) =>
    api.call(as[who]!, { method, url, ...(payload ? { payload } : {}) });
  const signIn = async () => {
    for (const who of ['officer', 'anna', 'boris', 'head', 'outsider'])
      as[who] = await api.login(`${who}@x.org`, PASSWORD);
  };

  beforeAll(async () => {
    const url = await createTestDatabase(kind);
    cli = makeCli(url, '2023-03-01T08:00:00Z');
    await cli.run(
      'import',
      'people',
      cli.file(
        peopleCsv([
          buildPerson({ id: 'h1', name: 'Head', unit: 'Admin/Policy', head_of: 'Admin/Policy' }),
          buildPerson({ id: 'p1', name: 'Anna', unit: 'Admin/Policy' }),
          buildPerson({ id: 'p2', name: 'Boris', unit: 'Admin/Policy/Elections' }),
          buildPerson({ id: 'p3', name: 'Vera', unit: 'Admin/Policy/Elections' }),
          buildPerson({ id: 'x1', name: 'Outsider', unit: 'Admin/Press' }),
        ]),
      ),
      '--observed-at',
      '2023-03-01',
    );
    await cli.run('apply', '-f', cli.file(MANDATE));
    api = await makeApi(url, '2023-03-02T09:00:00Z');
    for (const [who, roles, personId, units] of [
      ['officer', ['officer'], null, []],
      ['anna', ['official'], 'p1', []],
      ['boris', ['official'], 'p2', []],
      ['head', ['unit-head'], 'h1', []],
      ['outsider', ['official'], 'x1', []],
    ] as const)
      await api.app.accounts.addUser(
        {
          email: `${who}@x.org`,
          password: PASSWORD,
          roles: [...roles],
          personId,
          units: [...units],
        },
        'test',
      );
    await signIn();
  });
  afterAll(() => api.close());

  it('an officer opens a campaign for a unit and everything below; officials cannot', async () => {
    const refused = await call('anna', 'POST', '/api/v1/campaigns', {
      id: 'c',
      title: 'T',
      due: '2023-03-10',
    });
    expect(refused.statusCode).toBe(403);
    const bad = await call('officer', 'POST', '/api/v1/campaigns', {
      id: 'Bad Id',
      title: '',
      due: '10 March',
    });
    expect(bad.statusCode).toBe(400);
    expect(
      bad
        .json<{ details: { where: string }[] }>()
        .details.map((d) => d.where)
        .sort(),
    ).toEqual(['due', 'id', 'title']);
    cli.at('2023-03-02T09:00:00Z');
    const r = await cli.run(
      ...['campaigns', 'open', 'devices-2023', '--title', 'Declare every device you use for work'],
      ...['--unit', 'Admin/Policy', '--due', '2023-03-10', '--as', 'officer@x.org'],
    );
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('4 people');
    const s = (await call('officer', 'GET', '/api/v1/campaigns/devices-2023')).json<unknown>();
    expect(s).toMatchObject({
      people: 4,
      confirmed: 0,
      notStarted: 4,
      inProgress: 0,
      devicesDeclared: 0,
      late: 0,
    });
  });

  it('a declared iPhone is inventory at once, and the mandate catches it from that moment, not before', async () => {
    api.at('2023-03-03T10:00:00Z');
    await signIn();
    const r = await call('anna', 'POST', '/api/v1/campaigns/devices-2023/declarations', {
      devices: [IPHONE],
    });
    expect(r.statusCode, r.body).toBe(201);
    const [id] = r.json<{ devices: string[] }>().devices;
    const dev = (
      await call('officer', 'GET', `/api/v1/devices/${encodeURIComponent(id!)}`)
    ).json<unknown>();
    expect(dev).toMatchObject({
      owner: 'p1',
      platform: 'ios',
      ownership: 'personal',
      purposes: ['official'],
      status: 'active',
      sources: [expect.objectContaining({ source: 'declaration:devices-2023' })],
    });
    cli.at('2023-03-04T00:00:00Z');
    const f = await cli.json<{ device: string; opened: string }[]>(
      'findings',
      'iphones',
      '--format',
      'json',
    );
    expect(f).toEqual([
      expect.objectContaining({ device: id, opened: '2023-03-03T10:00:00.000Z' }),
    ]);
    const before = await cli.json<{ device: string }[]>(
      'findings',
      'iphones',
      '--as-of',
      '2023-03-03',
      '--format',
      'json',
    );
    expect(before).toEqual([]);
    expect((await call('officer', 'GET', '/api/v1/campaigns/devices-2023')).json()).toMatchObject({
      inProgress: 1,
      devicesDeclared: 1,
    });
  });

  it('takes back a wrong declaration before the due date; confirms the list; the same serial updates, not duplicates', async () => {
    const wrong = await call('anna', 'POST', '/api/v1/campaigns/devices-2023/declarations', {
      devices: [{ class: 'tablet', platform: 'android', ownership: 'personal', serial: 'TYPO-1' }],
    });
    const [typo] = wrong.json<{ devices: string[] }>().devices;
    expect(
      (
        await call(
          'boris',
          'DELETE',
          `/api/v1/campaigns/devices-2023/declarations/${encodeURIComponent(typo!)}`,
        )
      ).statusCode,
    ).toBe(404);
    const back = await call(
      'anna',
      'DELETE',
      `/api/v1/campaigns/devices-2023/declarations/${encodeURIComponent(typo!)}`,
    );
    expect(back.statusCode, back.body).toBe(204);
    const again = await call('anna', 'POST', '/api/v1/campaigns/devices-2023/declarations', {
      devices: [{ ...IPHONE, serial: 'own-ip-1', model: 'iPhone 14 Pro' }],
      complete: true,
    });
    expect(again.statusCode, again.body).toBe(201);
    expect(again.json()).toMatchObject({ confirmed: true, late: false });
    const people = (
      await call('officer', 'GET', '/api/v1/campaigns/devices-2023/people?state=confirmed')
    ).json<{ items: { person: string; declared: number }[] }>().items;
    expect(people).toEqual([expect.objectContaining({ person: 'p1', declared: 2 })]);
    // One iPhone, declared twice: one device.
    const devices = (await call('officer', 'GET', '/api/v1/devices?owner=p1')).json<{
      items: { status: string }[];
    }>().items;
    expect(devices.filter((d) => d.status === 'active')).toHaveLength(1);
  });

  it('nobody declares for someone else, except an officer recording a paper form; out of scope is 404', async () => {
    expect(
      (
        await call('anna', 'POST', '/api/v1/campaigns/devices-2023/declarations', {
          person: 'p2',
          none: true,
        })
      ).statusCode,
    ).toBe(403);
    expect(
      (
        await call('outsider', 'POST', '/api/v1/campaigns/devices-2023/declarations', {
          none: true,
        })
      ).statusCode,
    ).toBe(404);
    const paper = await call('officer', 'POST', '/api/v1/campaigns/devices-2023/declarations', {
      person: 'p2',
      none: true,
    });
    expect(paper.statusCode, paper.body).toBe(201);
    const audit = (await api.app.audit.list({ limit: 1000 })).items.filter(
      (e) => e.action === 'campaign.declare.paper',
    );
    expect(audit.map((e) => e.object)).toEqual(['campaign/devices-2023/person/p2']);
  });

  it('after the due date declarations still count and are late; a unit head sees their units; progress per unit', async () => {
    api.at('2023-03-12T09:00:00Z');
    await signIn();
    const late = await call('head', 'POST', '/api/v1/campaigns/devices-2023/declarations', {
      none: true,
    });
    expect(late.json()).toMatchObject({ confirmed: true, late: true });
    const s = (await call('officer', 'GET', '/api/v1/campaigns/devices-2023?byUnit=true')).json<{
      confirmed: number;
      notStarted: number;
      late: number;
      units: { unit: string; people: number; confirmed: number; notStarted: number }[];
    }>();
    expect(s).toMatchObject({ confirmed: 3, notStarted: 1, late: 1 });
    expect(s.units).toEqual([
      { unit: 'Admin/Policy', people: 2, confirmed: 2, notStarted: 0, inProgress: 0 },
      { unit: 'Admin/Policy/Elections', people: 2, confirmed: 1, notStarted: 1, inProgress: 0 },
    ]);
    const notStarted = (
      await call('head', 'GET', '/api/v1/campaigns/devices-2023/people?state=not-started')
    ).json<{ items: { person: string }[]; total: number }>();
    expect(notStarted.items.map((p) => p.person)).toEqual(['p3']);
    expect(notStarted.total).toBe(1);
    // An official sees only themself.
    expect((await call('boris', 'GET', '/api/v1/campaigns/devices-2023')).json()).toMatchObject({
      people: 1,
      confirmed: 1,
    });
    const tooLate = await call('anna', 'DELETE', `/api/v1/campaigns/devices-2023/declarations/x`);
    expect(tooLate.statusCode).toBe(404);
    const cliStatus = await cli.json<{ people: number }>(
      'campaigns',
      'status',
      'devices-2023',
      '--json',
    );
    expect(cliStatus.people).toBe(4);
  });

  it('a unit head attests for the unit only when everyone has confirmed, or names the rest with a reason', async () => {
    const refused = await call('head', 'POST', '/api/v1/campaigns/devices-2023/attestations', {
      unit: 'Admin/Policy',
    });
    expect(refused.statusCode).toBe(409);
    expect(refused.json<{ details: { value: string }[] }>().details.map((d) => d.value)).toEqual([
      'p3',
    ]);
    expect(
      (
        await call('anna', 'POST', '/api/v1/campaigns/devices-2023/attestations', {
          unit: 'Admin/Policy',
        })
      ).statusCode,
    ).toBe(403);
    const ok = await call('head', 'POST', '/api/v1/campaigns/devices-2023/attestations', {
      unit: 'Admin/Policy',
      exceptions: [{ person: 'p3', reason: 'on leave until April' }],
    });
    expect(ok.statusCode, ok.body).toBe(201);
    const s = (await call('officer', 'GET', '/api/v1/campaigns/devices-2023')).json<{
      attestations: unknown[];
    }>();
    expect(s.attestations).toEqual([
      expect.objectContaining({
        unit: 'Admin/Policy',
        by: 'h1',
        byName: 'Head',
        exceptions: [{ person: 'p3', name: 'Vera', reason: 'on leave until April' }],
      }),
    ]);
    expect(
      (
        await call('head', 'POST', '/api/v1/campaigns/devices-2023/attestations', {
          unit: 'Admin/Policy',
        })
      ).statusCode,
    ).toBe(409);
  });

  it('the CLI opens a campaign with its own reminders and escalations, and refuses a bad ladder (exit 2)', async () => {
    cli.at('2023-03-12T10:00:00Z');
    const open = (id: string, ...ladder: string[]) =>
      cli.run(
        ...['campaigns', 'open', id, '--title', 'Phones', '--unit', 'Admin/Policy'],
        ...['--due', '2023-03-20', '--as', 'officer@x.org', ...ladder],
      );
    const r = await open('phones', '--remind', 'P5D, P1D', '--escalate', 'P1D:unit-head:P3D');
    expect(r.code, r.err).toBe(0);
    const row = await api.app.store.db
      .selectFrom('campaigns')
      .select('notify')
      .where('id', '=', 'phones')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(row.notify!)).toMatchObject({
      remind: ['P5D', 'P1D'],
      escalate: [{ after: 'P1D', to: 'unit-head', repeat: 'P3D' }],
    });
    const noRecipient = await open('phones-2', '--escalate', 'P1D');
    expect(noRecipient.code).toBe(2);
    expect(noRecipient.err).toContain('--escalate');
    const badDuration = await open('phones-3', '--remind', 'soon');
    expect(badDuration.code).toBe(2);
    expect(badDuration.err).toContain('notify.remind.0');
    const list = await cli.run('campaigns', 'list');
    expect(list.out).toContain('phones');
    expect(list.out).not.toContain('phones-2');
  });

  it('suggests the models most often declared, only those three people or more declared, to those asked', async () => {
    api.at('2023-03-13T09:00:00Z');
    await signIn();
    const pixel = { ...IPHONE, platform: 'android', manufacturer: 'Google', model: 'Pixel 8' };
    const declare = (who: string, device: object, person?: string) =>
      call(who, 'POST', '/api/v1/campaigns/phones/declarations', {
        devices: [{ ...device, serial: null }],
        ...(person ? { person } : {}),
      });
    expect((await declare('anna', pixel)).statusCode).toBe(201);
    expect((await declare('boris', pixel)).statusCode).toBe(201);
    expect((await declare('boris', IPHONE)).statusCode).toBe(201);
    const two = await call('anna', 'GET', '/api/v1/campaigns/phones/models');
    expect(two.json()).toEqual([]);
    expect((await declare('officer', pixel, 'p3')).statusCode).toBe(201);
    const three = await call('anna', 'GET', '/api/v1/campaigns/phones/models');
    expect(three.json()).toEqual([
      {
        class: 'smartphone',
        platform: 'android',
        manufacturer: 'Google',
        model: 'Pixel 8',
        people: 3,
      },
    ]);
    expect((await call('outsider', 'GET', '/api/v1/campaigns/phones/models')).statusCode).toBe(404);
    expect((await call('officer', 'GET', '/api/v1/campaigns/nope/models')).statusCode).toBe(404);
  });
});
