import type { Selectable } from 'kysely';
import type { Db, ExemptionsTable } from './schema.js';

export type ExemptionRow = Selectable<ExemptionsTable>;

/** Stores a request and returns its id. */
export async function insertExemption(db: Db, row: Omit<ExemptionsTable, 'id'>): Promise<number> {
  const r = await db.insertInto('exemptions').values(row).returning('id').executeTakeFirstOrThrow();
  return Number(r.id);
}

/** One exemption, or undefined. */
export async function getExemption(db: Db, id: number): Promise<ExemptionRow | undefined> {
  const r = await db.selectFrom('exemptions').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? { ...r, id: Number(r.id) } : undefined;
}

/** Changes an exemption's decision fields. */
export async function updateExemption(
  db: Db,
  id: number,
  set: Partial<Omit<ExemptionsTable, 'id'>>,
): Promise<void> {
  await db.updateTable('exemptions').set(set).where('id', '=', id).execute();
}

/** Exemptions, newest first, optionally of one mandate. */
export async function listExemptions(db: Db, mandateId?: string): Promise<ExemptionRow[]> {
  let q = db.selectFrom('exemptions').selectAll().orderBy('id', 'desc');
  if (mandateId) q = q.where('mandate_id', '=', mandateId);
  return (await q.execute()).map((r) => ({ ...r, id: Number(r.id) }));
}
