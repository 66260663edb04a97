import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Device } from '../src/domain/device.model.js';
import { openStore, type Store } from '../src/store/database.js';
import {
  deviceFingerprint,
  deviceToRow,
  getDeviceFingerprints,
  getDevicesByIds,
  getLastSeen,
  insertDevices,
  updateDevices,
} from '../src/store/devices.repository.js';
import { createApp } from '../src/app.js';
import { fixedClock } from '../src/adapters/clock.js';
import { writeTransaction } from '../src/store/transaction.js';
import { createTestDatabase, describeEachDatabase } from './helpers/databases.js';

/** Large inserts take other paths (PostgreSQL: COPY, or JSON); what is read back is what was written. */
describeEachDatabase('bulk inserts', (kind) => {
  let store: Store;
  beforeAll(async () => {
    store = await openStore(await createTestDatabase(kind));
  });
  afterAll(() => store.close());

  // In a write transaction PostgreSQL streams the rows with COPY; outside one, as JSON.
  it.each([
    ['outside a transaction', 'plain'],
    ['in a write transaction', 'write'],
  ] as const)(
    'writes thousands of rows %s with empty columns, quotes, escapes, non-ASCII and large times as given',
    async (_, how) => {
      const devices: Device[] = Array.from({ length: 4321 }, (_, i) => ({
        id: `${how}-${i}`,
        owner: i % 3 === 0 ? null : `p${i}`,
        class: 'smartphone',
        platform: i % 2 ? 'ios' : 'android',
        osVersion: i % 5 === 0 ? null : `17.${i % 7}`,
        manufacturer: i % 4 === 0 ? 'Ünïcode "quoted", {braced} 📱' : 'Apple',
        model: i % 11 === 0 ? '' : i % 13 === 0 ? '\\N' : 'iPhone 15',
        serial: `SN\\${i}\t${i % 9 === 0 ? '\r\n' : ''}`,
        imei: null,
        ownership: null,
        purposes: i % 2 ? ['official'] : [],
        status: 'active',
        unit: i % 17 === 0 ? 'Отдел/Группа "А"' : null,
        apps: i % 6 === 0 ? ['a,b', 'NULL', 'x"y', 'tab\there', 'back\\slash'] : [],
      }));
      const at = 1_700_000_000_123;
      const rows = devices.map((d, i) =>
        deviceToRow(d, { created: at + i, changed: at, seen: at }),
      );
      if (how === 'write') await writeTransaction(store, (tx) => insertDevices(tx, rows));
      else await insertDevices(store.db, rows);
      const back = await getDevicesByIds(
        store.db,
        devices.map((d) => d.id),
      );
      expect(back.size).toBe(devices.length);
      for (const [i, d] of devices.entries()) {
        expect(back.get(d.id)).toEqual({ ...d, createdAt: at + i, changedAt: at });
      }
    },
  );

  // PostgreSQL: thousands of changed rows go by COPY into a staging table, then one update.
  it('overwrites thousands of devices with what is given, escapes included, and no other', async () => {
    const device = (i: number, model: string): Device => ({
      id: `upd-${i}`,
      owner: null,
      class: 'smartphone',
      platform: 'ios',
      osVersion: '17.1',
      manufacturer: 'Apple',
      model,
      serial: null,
      imei: null,
      ownership: null,
      purposes: [],
      status: 'active',
      unit: null,
      apps: [],
    });
    const at = 1_700_000_000_000;
    const times = { created: at, changed: at, seen: at };
    await writeTransaction(store, (tx) =>
      insertDevices(
        tx,
        Array.from({ length: 3001 }, (_, i) => deviceToRow(device(i, 'before'), times)),
      ),
    );
    const later = { created: at, changed: at + 1, seen: at + 2 };
    const changed = Array.from({ length: 3000 }, (_, i) =>
      device(i, i % 2 ? `tab\there \\N\r\n${i}` : `📱 ${i}`),
    );
    await writeTransaction(store, (tx) =>
      updateDevices(
        tx,
        changed.map((d) => deviceToRow(d, later)),
      ),
    );
    const back = await getDevicesByIds(
      store.db,
      Array.from({ length: 3001 }, (_, i) => `upd-${i}`),
    );
    for (const d of changed)
      expect(back.get(d.id)).toEqual({ ...d, createdAt: at, changedAt: at + 1 });
    expect(back.get('upd-3000')).toEqual({
      ...device(3000, 'before'),
      createdAt: at,
      changedAt: at,
    });
  });

  it('fingerprints stored fields in SQL as in JavaScript, and no two different devices alike', async () => {
    const base: Device = {
      id: 'fp-0',
      owner: null,
      class: 'smartphone',
      platform: 'ios',
      osVersion: '17.1',
      manufacturer: 'Apple',
      model: 'iPhone 15',
      serial: '3:ab',
      imei: '',
      ownership: null,
      purposes: ['official'],
      status: 'active',
      apps: ['a,b', 'c'],
      unit: null,
    };
    // Each differs from the base in one field, in ways a careless encoding would confuse.
    const variants: Partial<Device>[] = [
      { owner: '' },
      { imei: null },
      { model: 'iPhone 153', serial: ':ab' },
      { manufacturer: 'Äpple' },
      { apps: ['a', 'b,c'] },
      { apps: ['c', 'a,b'] },
      { purposes: [] },
      { osVersion: null, model: '~' },
      { model: 'iPhone 15 😀' },
      { status: 'lost' },
    ];
    const devices = [base, ...variants.map((v, i) => ({ ...base, ...v, id: `fp-${i + 1}` }))];
    const rows = devices.map((d) => deviceToRow(d, { created: 1, changed: 1, seen: 1 }));
    await insertDevices(store.db, rows);
    const stored = await getDeviceFingerprints(
      store.db,
      devices.map((d) => d.id),
    );
    const js = rows.map((r) => deviceFingerprint({ ...r, id: 'x' }));
    for (const [i, d] of devices.entries()) {
      // A value outside the Basic Multilingual Plane is never told by fingerprint.
      if (d.model?.includes('😀')) expect(js[i]).toBeNull();
      else expect(stored.get(d.id)).toBe(js[i]);
    }
    expect(new Set(js).size).toBe(js.length);
  });

  it('a re-import tells unchanged devices without reading them, and changed ones still change', async () => {
    const clock = fixedClock(Date.parse('2023-03-01T00:00:00Z'));
    const app = await createApp({ dbUrl: await createTestDatabase(kind), clock });
    const header =
      'id,owner,class,platform,os_version,manufacturer,model,serial,imei,ownership,purposes,status,apps';
    const row = (id: string, model: string, apps = 'teams') =>
      `${id},,smartphone,ios,17.1,Apple,${model},S-${id},,corporate,official,active,${apps}`;
    const file = (lines: string[]) => Buffer.from([header, ...lines].join('\n') + '\n');
    const opts = (observedAt: string) => ({ fileName: 'd.csv', actor: 't', observedAt });
    await app.imports.importDevices(
      file([row('a', 'iPhone 15'), row('b', 'iPhone 😀'), row('c', 'iPhone 15'), row('d', 'x')]),
      opts('2023-02-20'),
    );
    const again = await app.imports.importDevices(
      file([
        row('a', 'iPhone 15'),
        row('b', 'iPhone 😀'),
        row('c', 'iPhone 16'),
        row('d', 'x', 'teams;zoom'),
      ]),
      opts('2023-02-21'),
    );
    expect(again).toMatchObject({ created: 0, updated: 2, unchanged: 2 });
    const seen = await getLastSeen(app.store.db, ['a', 'b', 'c', 'd']);
    expect([...seen.values()]).toEqual(Array(4).fill(Date.parse('2023-02-21T00:00:00Z')));
    const back = await getDevicesByIds(app.store.db, ['c', 'd']);
    expect([back.get('c')?.model, back.get('d')?.apps]).toEqual(['iPhone 16', ['teams', 'zoom']]);
    await app.close();
  });
});
