import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeApi, type Caller } from './helpers/api.js';
import { buildDevice, buildPerson, devicesCsv, peopleCsv } from './helpers/builders.js';
import { makeCli } from './helpers/cli.js';
import { createTestDatabase, describeEachDatabase } from './helpers/databases.js';

const MANDATE = `apiVersion: phaseout/v1
kind: Mandate
metadata: { id: iphones, title: Сдать iPhone, issuedAt: 2023-03-01 }
spec:
  scope: { units: [Аппарат/Управление] }
  target: device.platform == "ios" && "official" in device.purposes
  action: replace
  replacement: { catalogue: [aurora-phone] }
  phases: [{ id: replace, due: 2023-04-01, requires: resolve }]
`;
const PASSWORD = 'correct horse battery';
const ACCOUNTS = {
  anna: { roles: ['official'], personId: 'p1' },
  logistics: { roles: ['logistics'], personId: 'l1' },
  logistics2: { roles: ['logistics'], personId: 'l2' },
  officer: { roles: ['officer'] },
  auditor: { roles: ['auditor'] },
  head: { roles: ['unit-head'], personId: 'h1' },
} as const;
type Who = keyof typeof ACCOUNTS;

describeEachDatabase('personal devices are never taken (DESIGN §5a)', (kind) => {
  let api: Awaited<ReturnType<typeof makeApi>>;
  const as = {} as Record<Who, Caller>;
  const call = (who: Who, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
    api.call(as[who], { method, url, ...(payload ? { payload } : {}) });
  let order = 0;

  beforeAll(async () => {
    const url = await createTestDatabase(kind);
    const cli = makeCli(url, '2023-02-20T12:00:00Z');
    const people = peopleCsv([
      buildPerson({ id: 'p1', name: 'Анна Иванова', unit: 'Аппарат/Управление' }),
      buildPerson({ id: 'l1', name: 'Лев Складов', unit: 'Аппарат/Склад' }),
      buildPerson({ id: 'l2', name: 'Вера Проверкина', unit: 'Аппарат/Склад' }),
      buildPerson({
        id: 'h1',
        name: 'Олег Начальников',
        unit: 'Аппарат/Управление',
        head_of: 'Аппарат/Управление',
      }),
    ]);
    expect((await cli.run('import', 'people', cli.file(people))).code).toBe(0);
    const devices = devicesCsv([
      buildDevice({ id: 'own', owner: 'p1', ownership: 'personal', model: 'iPhone 14' }),
      buildDevice({ id: 'heads', owner: 'h1', ownership: 'corporate', model: 'iPhone 15' }),
    ]);
    expect((await cli.run('import', 'devices', cli.file(devices))).code).toBe(0);
    expect((await cli.run('apply', '-f', cli.file(MANDATE))).code).toBe(0);
    api = await makeApi(url, '2023-03-10T09:00:00Z');
    for (const [who, a] of Object.entries(ACCOUNTS))
      await api.app.accounts.addUser(
        {
          email: `${who}@x.org`,
          password: PASSWORD,
          roles: [...a.roles],
          ...('personId' in a ? { personId: a.personId } : {}),
        },
        'test',
      );
    for (const who of Object.keys(ACCOUNTS) as Who[])
      as[who] = await api.login(`${who}@x.org`, PASSWORD);
    await call('logistics', 'PUT', '/api/v1/catalogue/aurora-phone', {
      class: 'smartphone',
      platform: 'aurora',
      manufacturer: 'Открытая мобильная платформа',
      model: 'R570E',
      purposes: ['official'],
    });
    await call('logistics', 'POST', '/api/v1/stock', {
      devices: [
        { id: 'S1', item: 'aurora-phone', location: 'Склад' },
        { id: 'S2', item: 'aurora-phone', location: 'Склад' },
      ],
    });
  });

  it('whoever owns a caught device asks for its replacement, whatever other roles they hold', async () => {
    // A unit head's own iPhone: no officer needed.
    const mine = await call('head', 'POST', '/api/v1/replacements', {
      device: 'heads',
      item: 'aurora-phone',
    });
    expect(mine.statusCode, mine.body).toBe(201);
    // Not for someone else's device (in their unit: visible, and still not theirs to ask for).
    const theirs = await call('head', 'POST', '/api/v1/replacements', {
      device: 'own',
      item: 'aurora-phone',
    });
    expect(theirs.statusCode).toBe(403);
  });
  afterAll(() => api?.close());

  it('a swap of a personal phone is refused, naming its ownership; the new phone is issued without it', async () => {
    const r = await call('anna', 'POST', '/api/v1/replacements', {
      device: 'own',
      item: 'aurora-phone',
    });
    expect(r.statusCode, r.body).toBe(201);
    order = r.json<{ id: number }>().id;
    expect(
      (await call('logistics', 'POST', `/api/v1/replacements/${order}/approve`, {})).statusCode,
    ).toBe(200);
    const swap = await call('logistics', 'POST', `/api/v1/replacements/${order}/issue`, {
      swap: true,
    });
    expect(swap.statusCode).toBe(409);
    expect(swap.json<{ message: string }>().message).toContain('is personal');
    // Nothing moved: the personal phone is still Anna's and active, and no stock unit left.
    const own = (await call('officer', 'GET', '/api/v1/devices/own')).json<{
      owner: string;
      status: string;
    }>();
    expect(own).toMatchObject({ owner: 'p1', status: 'active' });
    const issued = await call('logistics', 'POST', `/api/v1/replacements/${order}/issue`, {});
    expect(issued.statusCode, issued.body).toBe(200);
    expect((await call('officer', 'GET', '/api/v1/devices/own')).json()).toMatchObject({
      owner: 'p1',
      status: 'active',
    });
    // Receiving it back is refused too.
    const back = await call('logistics', 'POST', `/api/v1/replacements/${order}/return`, {});
    expect(back.statusCode).toBe(409);
    // The order closes without it, needing no reason: the device's ownership is the reason.
    const closed = await call('logistics', 'POST', `/api/v1/replacements/${order}/writeoff`, {});
    expect(closed.statusCode, closed.body).toBe(200);
    expect(closed.json()).toMatchObject({ state: 'closed', reason: null });
    expect((await call('officer', 'GET', '/api/v1/devices/own')).json()).toMatchObject({
      owner: 'p1',
      status: 'active',
    });
  });

  it('it resolves by its owner’s statement; the organisation’s data is removed, recorded and verified by a second person', async () => {
    const stated = await call('anna', 'POST', '/api/v1/devices/own/no-official-use', {
      note: 'личный телефон, рабочий профиль удалён',
    });
    expect(stated.statusCode, stated.body).toBe(200);
    const [f] = await api.app.status.findings('iphones', { device: 'own' });
    expect(f).toMatchObject({ state: 'resolved', closeReason: 'device_changed' });
    // A sanitisation of it is refused: it is not the organisation's to wipe or shred.
    const wipe = await call('logistics', 'POST', '/api/v1/sanitisations', {
      devices: ['own'],
      method: 'destroy',
      tool: 'Shredder',
      performedOn: '2023-03-10',
    });
    expect(wipe.statusCode).toBe(400);
    expect(wipe.body).toContain('is personal');
    const removed = await call('logistics', 'POST', '/api/v1/devices/own/data-removals', {
      method: 'MDM selective wipe',
      performedOn: '2023-03-10',
    });
    expect(removed.statusCode, removed.body).toBe(201);
    const id = removed.json<{ id: number }>().id;
    // Not by who recorded it; once by someone else; not twice.
    expect((await call('logistics', 'POST', `/api/v1/data-removals/${id}/verify`)).statusCode).toBe(
      403,
    );
    const ok = await call('logistics2', 'POST', `/api/v1/data-removals/${id}/verify`);
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({
      device: 'own',
      person: 'p1',
      personName: 'Анна Иванова',
      state: 'verified',
      recordedBy: 'logistics@x.org',
      verifiedBy: 'logistics2@x.org',
    });
    expect(
      (await call('logistics2', 'POST', `/api/v1/data-removals/${id}/verify`)).statusCode,
    ).toBe(409);
    // The register, for the auditor, in JSON and CSV; the official sees their own.
    const register = (await call('auditor', 'GET', '/api/v1/data-removals')).json<{
      total: number;
    }>();
    expect(register.total).toBe(1);
    const csv = await call('auditor', 'GET', '/api/v1/data-removals?format=csv');
    expect(csv.body.split(/\r?\n/)[0]).toBe(
      'id,device,deviceName,person,personName,method,performedOn,note,recordedBy,recordedAt,verifiedBy,verifiedAt,state',
    );
    expect(csv.body).toContain('Анна Иванова');
    expect((await call('anna', 'GET', '/api/v1/data-removals')).json()).toMatchObject({
      total: 1,
    });
    // A corporate device is handed in instead: no data removal for it.
    await api.app.records.writeDevice(
      await api.app.accounts.actorForEmail('officer@x.org'),
      'create',
      'corp',
      { class: 'smartphone', platform: 'ios', owner: 'p1', ownership: 'corporate' },
    );
    const corp = await call('logistics', 'POST', '/api/v1/devices/corp/data-removals', {
      method: 'MDM selective wipe',
      performedOn: '2023-03-10',
    });
    expect(corp.statusCode).toBe(409);
  });
});
