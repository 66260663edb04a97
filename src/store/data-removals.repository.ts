import type { Selectable } from 'kysely';
import type { DataRemovalsTable, Db } from './schema.js';

export type DataRemovalRow = Selectable<DataRemovalsTable>;

const withId = (r: DataRemovalRow): DataRemovalRow => ({ ...r, id: Number(r.id) });

export async function insertDataRemoval(
  db: Db,
  row: Omit<DataRemovalsTable, 'id'>,
): Promise<number> {
  const r = await db
    .insertInto('data_removals')
    .values(row)
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(r.id);
}

export async function getDataRemoval(db: Db, id: number): Promise<DataRemovalRow | undefined> {
  const r = await db
    .selectFrom('data_removals')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  return r ? withId(r) : undefined;
}

/** Marks a removal verified, unless someone verified it meanwhile; answers whether it did. */
export async function verifyDataRemoval(
  db: Db,
  id: number,
  by: string,
  at: number,
): Promise<boolean> {
  const r = await db
    .updateTable('data_removals')
    .set({ verified_by: by, verified_at: at })
    .where('id', '=', id)
    .where('verified_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Every removal, newest first (one device's when given). */
export async function listDataRemovals(db: Db, device?: string): Promise<DataRemovalRow[]> {
  let q = db.selectFrom('data_removals').selectAll().orderBy('id', 'desc');
  if (device !== undefined) q = q.where('device_id', '=', device);
  return (await q.execute()).map(withId);
}
