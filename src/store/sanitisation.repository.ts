import type { Selectable } from 'kysely';
import type { Db, SanitisationsTable, SanitisedDevicesTable } from './schema.js';
import { chunks } from './transaction.js';

export type SanitisationRow = Selectable<SanitisationsTable>;

const withId = <R extends { id: number }>(r: R): R => ({ ...r, id: Number(r.id) });

// ---- sanitisation ----------------------------------------------------------------------------

export async function insertSanitisation(
  db: Db,
  row: Omit<SanitisationsTable, 'id'>,
  devices: Omit<SanitisedDevicesTable, 'sanitisation_id'>[],
): Promise<number> {
  const r = await db
    .insertInto('sanitisations')
    .values(row)
    .returning('id')
    .executeTakeFirstOrThrow();
  const id = Number(r.id);
  for (const part of chunks(devices, 500))
    await db
      .insertInto('sanitised_devices')
      .values(part.map((d) => ({ ...d, sanitisation_id: id })))
      .execute();
  return id;
}

export async function getSanitisation(db: Db, id: number): Promise<SanitisationRow | undefined> {
  const r = await db
    .selectFrom('sanitisations')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  return r ? withId(r) : undefined;
}

export async function getSanitisationByCertificate(
  db: Db,
  certificate: string,
): Promise<SanitisationRow | undefined> {
  const r = await db
    .selectFrom('sanitisations')
    .selectAll()
    .where('certificate', '=', certificate)
    .executeTakeFirst();
  return r ? withId(r) : undefined;
}

export async function listSanitisations(db: Db): Promise<SanitisationRow[]> {
  const rows = await db.selectFrom('sanitisations').selectAll().orderBy('id', 'desc').execute();
  return rows.map(withId);
}

export async function sanitisedDevices(
  db: Db,
  id: number,
): Promise<
  { device_id: string; description: string; media_type: string | null; source: string | null }[]
> {
  return db
    .selectFrom('sanitised_devices')
    .select(['device_id', 'description', 'media_type', 'source'])
    .where('sanitisation_id', '=', id)
    .orderBy('device_id')
    .execute();
}

/** Of these devices, those in a record that awaits verification. */
export async function devicesAwaitingVerification(
  db: Db,
  deviceIds: string[],
): Promise<Set<string>> {
  const out = new Set<string>();
  for (const part of chunks(deviceIds)) {
    const rows = await db
      .selectFrom('sanitised_devices as d')
      .innerJoin('sanitisations as s', 's.id', 'd.sanitisation_id')
      .select('d.device_id')
      .where('s.state', '=', 'recorded')
      .where('d.device_id', 'in', part)
      .execute();
    for (const r of rows) out.add(r.device_id);
  }
  return out;
}

/** Sanitisation records that name a device, newest first. */
export async function sanitisationsOfDevice(db: Db, deviceId: string): Promise<SanitisationRow[]> {
  const rows = await db
    .selectFrom('sanitisations as s')
    .innerJoin('sanitised_devices as d', 'd.sanitisation_id', 's.id')
    .selectAll('s')
    .where('d.device_id', '=', deviceId)
    .orderBy('s.id', 'desc')
    .execute();
  return rows.map(withId);
}

export async function markVerified(
  db: Db,
  id: number,
  set: { verifier: string; verifier_name: string; verifier_role: string; verified_at: number },
): Promise<boolean> {
  const r = await db
    .updateTable('sanitisations')
    .set({ ...set, state: 'verified' })
    .where('id', '=', id)
    .where('state', '=', 'recorded')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Gives a record the certificate number made from its id (when none was given). */
export async function setCertificateNumber(db: Db, id: number, certificate: string): Promise<void> {
  await db.updateTable('sanitisations').set({ certificate }).where('id', '=', id).execute();
}
