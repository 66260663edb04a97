import type { SourceReport } from '../domain/source.merge.js';
import { rowToDevice, type StoredDevice } from './devices.repository.js';
import type { Db, DeviceSourcesTable } from './schema.js';
import { rawSqlite } from './database.js';
import { chunks } from './transaction.js';

/** Stored devices by serial key (trimmed, lower-case), for the keys given. */
export async function getDevicesBySerialKeys(
  db: Db,
  keys: string[],
): Promise<Map<string, StoredDevice>> {
  const out = new Map<string, StoredDevice>();
  for (const part of chunks([...new Set(keys)])) {
    const rows = await db
      .selectFrom('devices')
      .selectAll()
      .where('serial_key', 'in', part)
      .execute();
    // Oldest first: when two stored devices share a serial, the first one recorded answers.
    rows.sort((a, b) => a.created_at - b.created_at || (a.id < b.id ? -1 : 1));
    for (const r of rows)
      if (r.serial_key && !out.has(r.serial_key)) out.set(r.serial_key, rowToDevice(r));
  }
  return out;
}

/** Stored devices by IMEI key (digits only), for the keys given. */
export async function getDevicesByImeiKeys(
  db: Db,
  keys: string[],
): Promise<Map<string, StoredDevice>> {
  const out = new Map<string, StoredDevice>();
  for (const part of chunks([...new Set(keys)])) {
    const rows = await db.selectFrom('devices').selectAll().where('imei_key', 'in', part).execute();
    rows.sort((a, b) => a.created_at - b.created_at || (a.id < b.id ? -1 : 1));
    for (const r of rows)
      if (r.imei_key && !out.has(r.imei_key)) out.set(r.imei_key, rowToDevice(r));
  }
  return out;
}

/** Active people by e-mail (lower-case); `all` reads every one at once, for large files. */
export async function getActivePeopleByEmail(
  db: Db,
  emails: string[] | 'all',
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (emails === 'all') {
    const raw = rawSqlite.get(db);
    const rows = raw
      ? (raw
          .prepare('select id, email from people where active = 1 and email is not null')
          .all() as {
          id: string;
          email: string;
        }[])
      : await db
          .selectFrom('people')
          .select(['id', 'email'])
          .where('active', '=', 1)
          .where('email', 'is not', null)
          .execute();
    for (const r of rows) if (r.email) out.set(r.email, r.id);
    return out;
  }
  for (const part of chunks([...new Set(emails)])) {
    const rows = await db
      .selectFrom('people')
      .select(['id', 'email'])
      .where('email', 'in', part)
      .where('active', '=', 1)
      .execute();
    for (const r of rows) if (r.email) out.set(r.email, r.id);
  }
  return out;
}

/** Records that a source reported these devices: last seen now, reported again. */
export async function recordSourceReports(db: Db, rows: DeviceSourcesTable[]): Promise<void> {
  const raw = rawSqlite.get(db);
  if (raw) {
    const stmt = raw.prepare(
      `insert into device_sources (device_id, source, source_id, last_seen_at, not_reported_since, last_contact_at, fields)
       values (?, ?, ?, ?, null, ?, ?)
       on conflict (device_id, source) do update set source_id = excluded.source_id,
         last_seen_at = excluded.last_seen_at, not_reported_since = null,
         last_contact_at = coalesce(excluded.last_contact_at, device_sources.last_contact_at),
         fields = coalesce(excluded.fields, device_sources.fields)`,
    );
    for (const r of rows)
      stmt.run(r.device_id, r.source, r.source_id, r.last_seen_at, r.last_contact_at, r.fields);
    return;
  }
  for (const part of chunks(rows, 2000)) {
    await db
      .insertInto('device_sources')
      .values(part)
      .onConflict((oc) =>
        oc.columns(['device_id', 'source']).doUpdateSet((eb) => ({
          source_id: eb.ref('excluded.source_id'),
          last_seen_at: eb.ref('excluded.last_seen_at'),
          not_reported_since: null,
          last_contact_at: eb.fn.coalesce(
            'excluded.last_contact_at',
            'device_sources.last_contact_at',
          ),
          fields: eb.fn.coalesce('excluded.fields', 'device_sources.fields'),
        })),
      )
      .execute();
  }
}

/**
 * `--sync`: the devices this source reported before `at` and not in this file become *not
 * reported since* `at`; returns them (those already not reported keep their first date).
 */
export async function markNotReported(
  db: Db,
  source: string,
  at: number,
): Promise<{ device: string; since: number }[]> {
  const rows = await db
    .selectFrom('device_sources')
    .select(['device_id', 'not_reported_since'])
    .where('source', '=', source)
    .where('last_seen_at', '<', at)
    .execute();
  await db
    .updateTable('device_sources')
    .set({ not_reported_since: at })
    .where('source', '=', source)
    .where('last_seen_at', '<', at)
    .where('not_reported_since', 'is', null)
    .execute();
  return rows
    .map((r) => ({ device: r.device_id, since: r.not_reported_since ?? at }))
    .sort((a, b) => (a.device < b.device ? -1 : a.device > b.device ? 1 : 0));
}

/** Every source that reported a device, by name. */
/** Each source's kept report of the devices given, by device then source. */
export async function getSourceReports(
  db: Db,
  deviceIds: string[],
): Promise<Map<string, Map<string, SourceReport>>> {
  const out = new Map<string, Map<string, SourceReport>>();
  for (const part of chunks([...new Set(deviceIds)])) {
    const rows = await db
      .selectFrom('device_sources')
      .select(['device_id', 'source', 'fields'])
      .where('device_id', 'in', part)
      .where('fields', 'is not', null)
      .execute();
    for (const r of rows) {
      let m = out.get(r.device_id);
      if (!m) out.set(r.device_id, (m = new Map<string, SourceReport>()));
      m.set(r.source, JSON.parse(r.fields!) as SourceReport);
    }
  }
  return out;
}

export async function getDeviceSources(db: Db, deviceId: string): Promise<DeviceSourcesTable[]> {
  return db
    .selectFrom('device_sources')
    .selectAll()
    .where('device_id', '=', deviceId)
    .orderBy('source')
    .execute();
}
