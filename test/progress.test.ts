import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeApi, type Caller } from './helpers/api.js';
import { buildDevice, buildPerson, devicesCsv, peopleCsv } from './helpers/builders.js';
import { makeCli } from './helpers/cli.js';
import { createTestDatabase, describeEachDatabase } from './helpers/databases.js';

/**
 * Progress that is real (DESIGN §5a), the parts the engine scenario does not walk: sources that
 * agree with themselves, owners sources cannot match, held devices on every path, people as
 * of a day.
 */
const MANDATE = `apiVersion: phaseout/v1
kind: Mandate
metadata: { id: iphones, title: Сдать iPhone, issuedAt: 2023-03-01 }
spec:
  scope: { units: [Аппарат] }
  target: device.platform == "ios"
  action: replace
  replacement: { catalogue: [aurora-phone] }
  phases: [{ id: replace, due: 2023-04-01, requires: resolve }]
`;
const INTUNE =
  'Device ID,Device name,Ownership,OS,OS version,Primary user UPN,Manufacturer,Model,Serial number\n';
const JAMF = 'Display Name,Serial Number,UDID,Model,iOS Version,Email Address\n';
const PASSWORD = 'correct horse battery';

describeEachDatabase(
  'progress that is real: sources, owners, held devices, people as of T',
  (kind) => {
    let cli: ReturnType<typeof makeCli>;
    let api: Awaited<ReturnType<typeof makeApi>>;
    const as: Record<string, Caller> = {};
    const call = (
      who: string,
      method: 'GET' | 'POST' | 'PUT' | 'PATCH',
      url: string,
      o: object = {},
    ) => api.call(as[who]!, { method, url, ...o });
    const importAt = async (file: string, at: string, ...flags: string[]) => {
      cli.at(`${at}T18:00:00Z`);
      const r = await cli.run('import', 'devices', cli.file(file), '--observed-at', at, ...flags);
      expect(r.code, r.err).toBe(0);
      return r.out;
    };

    beforeAll(async () => {
      const url = await createTestDatabase(kind);
      cli = makeCli(url, '2023-03-02T08:00:00Z');
      const people = peopleCsv([
        buildPerson({
          id: 'p1',
          name: 'Юлия Орлова',
          unit: 'Аппарат/Отдел',
          email: 'yulia@gov.example',
        }),
        buildPerson({
          id: 'p2',
          name: 'Борис Петров',
          unit: 'Аппарат/Отдел Б',
          email: 'boris@gov.example',
        }),
      ]);
      expect(
        (await cli.run('import', 'people', cli.file(people), '--observed-at', '2023-03-02')).code,
      ).toBe(0);
      expect((await cli.run('apply', '-f', cli.file(MANDATE))).code).toBe(0);
      api = await makeApi(url, '2023-03-20T09:00:00Z');
      for (const [who, roles] of [
        ['admin', ['admin']],
        ['officer', ['officer']],
        ['logistics', ['logistics']],
        ['logistics2', ['logistics']],
      ] as const)
        await api.app.accounts.addUser(
          { email: `${who}@x.org`, password: PASSWORD, roles: [...roles] },
          'test',
        );
      await api.app.accounts.addUser(
        { email: 'yulia@x.org', password: PASSWORD, roles: ['official'], personId: 'p1' },
        'test',
      );
    });
    afterAll(() => api?.close());

    it('two sources disagreeing about an owner: the owner is kept, the conflict listed, an unchanged re-import changes nothing', async () => {
      const intune = `${INTUNE}i-1,Phone,Corporate,iOS,16.3,yulia@gov.example,Apple,iPhone 14,SER-1\n`;
      const jamf = `${JAMF}Phone,ser-1,UDID-1,iPhone 14 Pro,16.3,boris@gov.example\n`;
      expect(await importAt(intune, '2023-03-03', '--format', 'intune')).toContain('1 created');
      const second = await importAt(jamf, '2023-03-04', '--format', 'jamf', '--json');
      const summary = JSON.parse(second) as { conflicts: { message: string }[]; updated: number };
      expect(summary.conflicts.map((c) => c.message)).toEqual([
        expect.stringMatching(/sources disagree on its owner \(intune: p1, jamf: p2\)/),
      ]);
      const device = async () =>
        (
          await api.app.directory.device(
            await api.app.accounts.actorForEmail('admin@x.org'),
            'intune:SER-1',
          )
        ).owner;
      const owner = await device();
      // Re-importing each unchanged file, in either order, moves nothing.
      const again = JSON.parse(
        await importAt(intune, '2023-03-05', '--format', 'intune', '--json'),
      ) as {
        updated: number;
        unchanged: number;
        conflicts: unknown[];
      };
      expect(again).toMatchObject({ updated: 0, unchanged: 1 });
      expect(again.conflicts).toHaveLength(1);
      expect(
        JSON.parse(await importAt(jamf, '2023-03-06', '--format', 'jamf', '--json')),
      ).toMatchObject({ updated: 0, unchanged: 1 });
      expect(await device()).toBe(owner);
      // With Intune first for the owner, the owner is Intune's, and stays so.
      cli.at('2023-03-06T19:00:00Z');
      const set = await cli.run('settings', 'source-priority', 'owner', 'intune,jamf');
      // Once accounts exist, a decision from the command line names who made it.
      expect(set.code).toBe(2);
      expect(set.err).toContain('--as EMAIL');
      expect(
        (
          await cli.run(
            ...['settings', 'source-priority', 'owner', 'intune,jamf', '--as', 'admin@x.org'],
          )
        ).code,
      ).toBe(0);
      const [entry] = (
        await api.app.store.db
          .selectFrom('audit_log')
          .select(['actor'])
          .orderBy('seq', 'desc')
          .limit(1)
          .execute()
      ).map((r) => r.actor);
      expect(entry).toBe('admin@x.org');
      await importAt(
        `${INTUNE}i-1,Phone,Corporate,iOS,16.3,YULIA@gov.example,Apple,iPhone 14,SER-1\n`,
        '2023-03-07',
        '--format',
        'intune',
      );
      const held = await api.app.status.findings('iphones', { device: 'intune:SER-1' });
      expect(owner).toBe('p2');
      expect(held.at(-1)).toMatchObject({ owner: 'p1', closed: null });
    });

    it('an owner a source cannot match never clears a known owner; an empty cell passes a corporate phone to its owner’s unit', async () => {
      const unmatched = JSON.parse(
        await importAt(
          `${INTUNE}i-1,Phone,Corporate,iOS,16.3,y.orlova@other.example,Apple,iPhone 14,SER-1\n`,
          '2023-03-08',
          '--format',
          'intune',
          '--json',
        ),
      ) as { unmatchedOwners: { email: string }[] };
      expect(unmatched.unmatchedOwners.map((u) => u.email)).toEqual(['y.orlova@other.example']);
      const [open] = (await api.app.status.findings('iphones', { device: 'intune:SER-1' })).filter(
        (f) => f.closed === null,
      );
      expect(open).toMatchObject({ owner: 'p1', state: 'pending' });
      await importAt(
        `${INTUNE}i-1,Phone,Corporate,iOS,16.3,,Apple,iPhone 14,SER-1\n`,
        '2023-03-09',
        '--format',
        'intune',
      );
      const after = (await api.app.status.findings('iphones', { device: 'intune:SER-1' })).filter(
        (f) => f.closed === null,
      );
      // Nobody has it, says Intune: Юлия's unit holds it, and it is still to be replaced.
      expect(after).toMatchObject([{ owner: null, unit: 'Аппарат/Отдел', state: 'pending' }]);
    });

    it('a check-in and a declaration on a wiped device are a conflict and a refusal; nothing changes', async () => {
      // Юлия hands in her corporate iPhone through the workflow; it is wiped and verified.
      await importAt(
        devicesCsv([
          buildDevice({ id: 'w1', owner: 'p1', serial: 'WIPE-1', ownership: 'corporate' }),
        ]),
        '2023-03-10',
      );
      for (const who of ['admin', 'officer', 'logistics', 'logistics2', 'yulia'])
        as[who] = await api.login(`${who}@x.org`, PASSWORD);
      await call('logistics', 'PUT', '/api/v1/catalogue/aurora-phone', {
        payload: { class: 'smartphone', platform: 'aurora', manufacturer: 'ОМП', model: 'R570E' },
      });
      await call('logistics', 'POST', '/api/v1/stock', {
        payload: { devices: [{ id: 'S1', item: 'aurora-phone', location: 'Склад' }] },
      });
      const order = (
        await call('yulia', 'POST', '/api/v1/replacements', {
          payload: { device: 'w1', item: 'aurora-phone' },
        })
      ).json<{ id: number }>().id;
      expect(
        (await call('logistics', 'POST', `/api/v1/replacements/${order}/approve`, { payload: {} }))
          .statusCode,
      ).toBe(200);
      const issued = await call('logistics', 'POST', `/api/v1/replacements/${order}/issue`, {
        payload: { swap: true },
      });
      expect(issued.statusCode, issued.body).toBe(200);
      const san = await call('logistics', 'POST', '/api/v1/sanitisations', {
        payload: { devices: ['w1'], method: 'purge', tool: 'Blancco 7', performedOn: '2023-03-20' },
      });
      expect(san.statusCode, san.body).toBe(201);
      const verified = await call(
        'logistics2',
        'POST',
        `/api/v1/sanitisations/${san.json<{ id: number }>().id}/verify`,
      );
      expect(verified.statusCode, verified.body).toBe(200);
      const wiped = await api.app.directory.device(
        await api.app.accounts.actorForEmail('admin@x.org'),
        'w1',
      );
      expect(wiped).toMatchObject({ status: 'wiped', owner: null });
      const findingsBefore = await api.app.status.findings('iphones', { device: 'w1' });
      // A check-in claims it is active and Юлия's again.
      api.at('2023-03-20T10:00:00Z');
      const checkin = await call('admin', 'POST', '/api/v1/checkins?source=agent', {
        payload: [
          { serial: 'wipe-1', observedAt: '2023-03-20T10:00:00Z', status: 'active', owner: 'p1' },
        ],
      });
      expect(checkin.statusCode, checkin.body).toBe(200);
      expect(checkin.json<{ conflicts: number; items: { conflict?: string }[] }>()).toMatchObject({
        conflicts: 1,
        items: [{ conflict: expect.stringContaining('is wiped through phaseout') as string }],
      });
      // A declaration of its serial is refused.
      const opened = await call('officer', 'POST', '/api/v1/campaigns', {
        payload: {
          id: 'c1',
          title: 'Декларация',
          scope: { units: ['Аппарат'] },
          due: '2023-03-31',
        },
      });
      expect(opened.statusCode, opened.body).toBe(201);
      const declared = await call('yulia', 'POST', '/api/v1/campaigns/c1/declarations', {
        payload: {
          devices: [
            {
              class: 'smartphone',
              platform: 'ios',
              model: 'iPhone 13',
              ownership: 'corporate',
              serial: 'WIPE-1',
            },
          ],
        },
      });
      expect(declared.statusCode).toBe(409);
      expect(declared.json<{ details: { code: string }[] }>().details[0]!.code).toBe(
        'held_by_workflow',
      );
      // An API edit is refused too, unless an admin says why.
      const edit = await call('officer', 'PATCH', '/api/v1/devices/w1', {
        payload: { status: 'active' },
        headers: { 'if-match': wiped.etag },
      });
      expect(edit.statusCode).toBe(409);
      expect(
        await api.app.directory.device(await api.app.accounts.actorForEmail('admin@x.org'), 'w1'),
      ).toMatchObject({
        status: 'wiped',
        owner: null,
      });
      expect(await api.app.status.findings('iphones', { device: 'w1' })).toEqual(findingsBefore);
      const override = await call('admin', 'PATCH', '/api/v1/devices/w1', {
        payload: {
          status: 'lost',
          holdOverride: 'found to be lost after the wipe, by the inventory of 20 March',
        },
        headers: {
          'if-match': (
            await api.app.directory.device(
              await api.app.accounts.actorForEmail('admin@x.org'),
              'w1',
            )
          ).etag,
        },
      });
      expect(override.statusCode, override.body).toBe(200);
    });

    it('an empty unit cell keeps a custody; a caught phone that nobody holds any more is unassigned, never resolved', async () => {
      // A register export with a unit column, its cell empty: the unit still holds the phone.
      await importAt(
        devicesCsv([
          buildDevice({ id: 'held-1', owner: 'p1', ownership: 'corporate', model: 'iPhone 13' }),
        ]),
        '2023-03-21',
      );
      await importAt(
        devicesCsv([buildDevice({ id: 'held-1', ownership: 'corporate', model: 'iPhone 13' })]),
        '2023-03-22',
      );
      await importAt(
        devicesCsv([buildDevice({ id: 'held-1', ownership: 'corporate', model: 'iPhone 13' })]),
        '2023-03-23',
      );
      const admin = await api.app.accounts.actorForEmail('admin@x.org');
      expect(await api.app.directory.device(admin, 'held-1')).toMatchObject({
        owner: null,
        unit: 'Аппарат/Отдел',
      });
      const before = await api.app.status.status('iphones', { asOf: '2023-03-25' });
      const beforeUnit = await api.app.status.status('iphones', {
        asOf: '2023-03-25',
        unit: 'Аппарат',
      });
      // The officer takes the custody away: nobody holds it now.
      api.at('2023-03-24T10:00:00Z');
      as.officer = await api.login('officer@x.org', PASSWORD);
      const edit = await call('officer', 'PATCH', '/api/v1/devices/held-1', {
        payload: { unit: null },
        headers: { 'if-match': (await api.app.directory.device(admin, 'held-1')).etag },
      });
      expect(edit.statusCode, edit.body).toBe(200);
      const after = await api.app.status.status('iphones', { asOf: '2023-03-25' });
      expect(after.devices).toMatchObject({
        pending: before.devices.pending - 1,
        resolved: before.devices.resolved,
        unassigned: before.devices.unassigned + 1,
      });
      const afterUnit = await api.app.status.status('iphones', {
        asOf: '2023-03-25',
        unit: 'Аппарат',
        byUnit: true,
      });
      expect(afterUnit.devices.resolved).toBe(beforeUnit.devices.resolved);
      expect(afterUnit.units!.reduce((n, u) => n + u.devices.resolved, 0)).toBe(
        afterUnit.devices.resolved,
      );
      const listed = await call(
        'officer',
        'GET',
        '/api/v1/findings?mandate=iphones&state=unassigned',
      );
      expect(listed.json<{ items: { device: string }[] }>().items.map((f) => f.device)).toContain(
        'held-1',
      );
    });

    it('people in scope are counted as the records stood: none a day before they existed', async () => {
      const before = await api.app.status.status('iphones', { asOf: '2023-03-01' });
      expect(before.people.inScope).toBe(0);
      const then = await api.app.status.status('iphones', { asOf: '2023-03-03' });
      expect(then.people.inScope).toBe(2);
    });
  },
);
