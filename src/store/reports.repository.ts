import type { Selectable } from 'kysely';
import type { Db, ReportsTable } from './schema.js';

export type StoredReport = Selectable<ReportsTable>;

/** A kept report with its files. */
export async function getReport(db: Db, id: number): Promise<StoredReport | undefined> {
  return db.selectFrom('reports').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Whether a mandate's report of a day is kept already. */
export async function hasReport(db: Db, mandate: string, day: string): Promise<boolean> {
  const row = await db
    .selectFrom('reports')
    .select('id')
    .where('mandate_id', '=', mandate)
    .where('day', '=', day)
    .executeTakeFirst();
  return row !== undefined;
}

/** Keeps a report once per mandate and day; null when another process kept it first. */
export async function insertReport(tx: Db, row: Omit<ReportsTable, 'id'>): Promise<number | null> {
  const inserted = await tx
    .insertInto('reports')
    .values(row)
    .onConflict((oc) => oc.columns(['mandate_id', 'day']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted ? Number(inserted.id) : null;
}

/** Kept reports, newest first, without their files. */
export async function listReports(
  db: Db,
  mandate?: string,
): Promise<Pick<StoredReport, 'id' | 'mandate_id' | 'day' | 'as_of' | 'created_at'>[]> {
  let q = db
    .selectFrom('reports')
    .select(['id', 'mandate_id', 'day', 'as_of', 'created_at'])
    .orderBy('id', 'desc');
  if (mandate) q = q.where('mandate_id', '=', mandate);
  return q.execute();
}
