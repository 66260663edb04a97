import type { Selectable } from 'kysely';
import type { Db, MandateEventsTable, MandatesTable, MandateVersionsTable } from './schema.js';

export type MandateEventKind = 'applied' | 'reinstated' | 'withdrawn';

/** One mandate's header row, or undefined. */
export async function getMandate(db: Db, id: string): Promise<MandatesTable | undefined> {
  return db.selectFrom('mandates').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Every mandate, by id. */
export async function listMandates(db: Db): Promise<MandatesTable[]> {
  return db.selectFrom('mandates').selectAll().orderBy('id').execute();
}

/** Creates a mandate header. */
export async function insertMandate(db: Db, row: MandatesTable): Promise<void> {
  await db.insertInto('mandates').values(row).execute();
}

/** Updates a mandate header. */
export async function updateMandate(
  db: Db,
  id: string,
  set: Partial<Omit<MandatesTable, 'id'>>,
): Promise<void> {
  await db.updateTable('mandates').set(set).where('id', '=', id).execute();
}

/** One version of a mandate. */
export async function getMandateVersion(
  db: Db,
  id: string,
  version: number,
): Promise<MandateVersionsTable | undefined> {
  return db
    .selectFrom('mandate_versions')
    .selectAll()
    .where('mandate_id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
}

/** Every version of a mandate, oldest first. */
export async function listMandateVersions(db: Db, id: string): Promise<MandateVersionsTable[]> {
  return db
    .selectFrom('mandate_versions')
    .selectAll()
    .where('mandate_id', '=', id)
    .orderBy('version')
    .execute();
}

/** Stores a new version. */
export async function insertMandateVersion(db: Db, row: MandateVersionsTable): Promise<void> {
  await db.insertInto('mandate_versions').values(row).execute();
}

/** Records an application, reinstatement or withdrawal. */
export async function insertMandateEvent(
  db: Db,
  row: Omit<MandateEventsTable, 'id'>,
): Promise<void> {
  await db.insertInto('mandate_events').values(row).execute();
}

/** A mandate's events in the order they took effect (ties in the order recorded). */
export async function listMandateEvents(
  db: Db,
  id: string,
): Promise<Selectable<MandateEventsTable>[]> {
  return db
    .selectFrom('mandate_events')
    .selectAll()
    .where('mandate_id', '=', id)
    .orderBy('effective_at')
    .orderBy('id')
    .execute();
}
