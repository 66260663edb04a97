import { deviceSearchText } from '../domain/text.fold.js';
import type { Device } from '../domain/device.model.js';
import { imeiKey, serialKey } from '../domain/source.normalise.js';
import { sql } from 'kysely';
import type { Db, DevicesTable } from './schema.js';
import { chunks, insertMany, updateMany } from './transaction.js';

/** A stored device with the times the engine needs. */
export interface StoredDevice extends Device {
  createdAt: number;
  changedAt: number;
}

/** Maps a row to a device. */
export function rowToDevice(r: DevicesTable): StoredDevice {
  return {
    id: r.id,
    owner: r.owner_id,
    class: r.class as Device['class'],
    platform: r.platform as Device['platform'],
    osVersion: r.os_version,
    manufacturer: r.manufacturer,
    model: r.model,
    serial: r.serial,
    imei: r.imei,
    ownership: r.ownership as Device['ownership'],
    purposes: JSON.parse(r.purposes) as Device['purposes'],
    status: r.status as Device['status'],
    apps: JSON.parse(r.apps) as string[],
    unit: r.unit,
    createdAt: r.created_at,
    changedAt: r.changed_at,
  };
}

/** Maps a device to a row. */
export function deviceToRow(
  d: Device,
  times: { created: number; changed: number; seen: number },
): DevicesTable {
  return {
    id: d.id,
    owner_id: d.owner,
    class: d.class,
    platform: d.platform,
    os_version: d.osVersion,
    manufacturer: d.manufacturer,
    model: d.model,
    serial: d.serial,
    imei: d.imei,
    ownership: d.ownership,
    purposes: JSON.stringify(d.purposes),
    status: d.status,
    apps: JSON.stringify(d.apps),
    created_at: times.created,
    changed_at: times.changed,
    last_seen_at: times.seen,
    serial_key: serialKey(d.serial),
    imei_key: imeiKey(d.imei),
    unit: d.unit,
  };
}

/** The columns a device's fields are stored in (`deviceToRow`), times and lookup keys aside. */
const FIELD_COLUMNS = [
  'owner_id',
  'class',
  'platform',
  'os_version',
  'manufacturer',
  'model',
  'serial',
  'imei',
  'ownership',
  'purposes',
  'status',
  'apps',
  'unit',
] as const satisfies readonly (keyof DevicesTable)[];

/**
 * A device's stored fields as one string, each value written with its length (`5:Apple`, `~` for
 * none), so that equal strings mean equal fields. The same is computed in SQL (see
 * `getDeviceFingerprints`), where lengths count characters: null when a value holds a character
 * JavaScript and SQL count differently (outside the Basic Multilingual Plane) or NUL.
 */
export function deviceFingerprint(row: DevicesTable): string | null {
  let out = '';
  for (const c of FIELD_COLUMNS) {
    const v = row[c];
    out += v === null ? '~' : `${v.length}:${v}`;
  }
  return /[\u0000\uD800-\uDFFF]/.test(out) ? null : out;
}

const FINGERPRINT_SQL = sql.raw(
  FIELD_COLUMNS.map((c) => `coalesce(length("${c}") || ':' || "${c}", '~')`).join(' || '),
);

/**
 * What is stored for these devices, fingerprinted in the database: a re-import compares a
 * million unchanged rows without reading their eighteen columns (five times as long).
 */
export async function getDeviceFingerprints(db: Db, ids: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const part of chunks([...new Set(ids)])) {
    const rows = await db
      .selectFrom('devices')
      .select(['id', sql<string>`${FINGERPRINT_SQL}`.as('print')])
      .where('id', 'in', part)
      .execute();
    for (const r of rows) out.set(r.id, r.print);
  }
  return out;
}

/** Stored devices by id, for the ids given. */
export async function getDevicesByIds(db: Db, ids: string[]): Promise<Map<string, StoredDevice>> {
  const out = new Map<string, StoredDevice>();
  for (const part of chunks([...new Set(ids)])) {
    const rows = await db.selectFrom('devices').selectAll().where('id', 'in', part).execute();
    for (const r of rows) out.set(r.id, rowToDevice(r));
  }
  return out;
}

/** Ids of the devices these people own. */
export async function getDeviceIdsByOwners(db: Db, ownerIds: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const part of chunks([...new Set(ownerIds)])) {
    const rows = await db
      .selectFrom('devices')
      .select('id')
      .where('owner_id', 'in', part)
      .execute();
    for (const r of rows) out.push(r.id);
  }
  return out;
}

/** Inserts new devices. */
export async function insertDevices(db: Db, rows: DevicesTable[]): Promise<void> {
  await insertMany(
    db,
    'devices',
    rows.map((r) => ({ ...r, search: deviceSearchText(r) })),
  );
}

/** Overwrites a device's stored fields. */
export async function updateDevice(db: Db, row: DevicesTable): Promise<void> {
  const { id, created_at: _created, ...rest } = row;
  await db
    .updateTable('devices')
    .set({ ...rest, search: deviceSearchText(row) })
    .where('id', '=', id)
    .execute();
}

/** Overwrites many devices' stored fields (an import's changed rows). */
export async function updateDevices(db: Db, rows: DevicesTable[]): Promise<void> {
  await updateMany(
    db,
    'devices',
    'id',
    rows.map(({ created_at: _created, ...rest }) => ({ ...rest, search: deviceSearchText(rest) })),
  );
}

/** Sets the status of many devices at once: a change at `at`. */
export async function setDeviceStatus(
  db: Db,
  ids: string[],
  status: string,
  at: number,
): Promise<void> {
  for (const part of chunks(ids))
    await db
      .updateTable('devices')
      .set({ status, changed_at: at, last_seen_at: at })
      .where('id', 'in', part)
      .execute();
}

/** Sets the custodian unit of devices (DESIGN §5a): a change at its moment, not a sighting. */
export async function setDeviceUnits(
  db: Db,
  units: { id: string; unit: string | null }[],
  at: number,
): Promise<void> {
  await updateMany(
    db,
    'devices',
    'id',
    units.map((u) => ({ id: u.id, unit: u.unit, changed_at: at })),
  );
}

/** Refreshes last-seen without counting as a change. */
export async function touchDevices(db: Db, ids: string[], at: number): Promise<void> {
  for (const part of chunks(ids)) {
    await db.updateTable('devices').set({ last_seen_at: at }).where('id', 'in', part).execute();
  }
}

/** Whether no device is stored at all. */
export async function hasNoDevices(db: Db): Promise<boolean> {
  return (await db.selectFrom('devices').select('id').limit(1).executeTakeFirst()) === undefined;
}

/** When each device was last observed (any import, check-in or write), for the ids given. */
export async function getLastSeen(db: Db, ids: string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const part of chunks([...new Set(ids)])) {
    const rows = await db
      .selectFrom('devices')
      .select(['id', 'last_seen_at'])
      .where('id', 'in', part)
      .execute();
    for (const r of rows) out.set(r.id, r.last_seen_at);
  }
  return out;
}
