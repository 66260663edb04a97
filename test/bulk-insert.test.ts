import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Device } from '../src/domain/device.model.js';
import { openStore, type Store } from '../src/store/database.js';
import { deviceToRow, getDevicesByIds, insertDevices } from '../src/store/devices.repository.js';
import { createTestDatabase, describeEachDatabase } from './helpers/databases.js';

/** Large inserts take another path (PostgreSQL: one array per column); what is read back is what was written. */
describeEachDatabase('bulk inserts', (kind) => {
  let store: Store;
  beforeAll(async () => {
    store = await openStore(await createTestDatabase(kind));
  });
  afterAll(() => store.close());

  it('writes thousands of rows with empty columns, quotes, non-ASCII and large times as given', async () => {
    const devices: Device[] = Array.from({ length: 4321 }, (_, i) => ({
      id: `dev-${i}`,
      owner: i % 3 === 0 ? null : `p${i}`,
      class: 'smartphone',
      platform: i % 2 ? 'ios' : 'android',
      osVersion: i % 5 === 0 ? null : `17.${i % 7}`,
      manufacturer: i % 4 === 0 ? 'Ünïcode "quoted", {braced}' : 'Apple',
      model: i % 11 === 0 ? '' : 'iPhone 15',
      serial: `SN\\${i}`,
      imei: null,
      ownership: null,
      purposes: i % 2 ? ['official'] : [],
      status: 'active',
      apps: i % 6 === 0 ? ['a,b', 'NULL', 'x"y'] : [],
    }));
    const at = 1_700_000_000_123;
    await insertDevices(
      store.db,
      devices.map((d, i) => deviceToRow(d, { created: at + i, changed: at, seen: at })),
    );
    const back = await getDevicesByIds(
      store.db,
      devices.map((d) => d.id),
    );
    expect(back.size).toBe(devices.length);
    for (const [i, d] of devices.entries()) {
      expect(back.get(d.id)).toEqual({ ...d, createdAt: at + i, changedAt: at });
    }
  });
});
