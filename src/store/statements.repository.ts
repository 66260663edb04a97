import type { Db, StatementsTable } from './schema.js';
import { chunks } from './transaction.js';

/** Keeps a statement. */
export async function insertStatement(db: Db, row: Omit<StatementsTable, 'id'>): Promise<void> {
  await db.insertInto('statements').values(row).execute();
}

/** Of these devices, those with a statement of this kind, with the latest one's time. */
export async function getStatedDevices(
  db: Db,
  kind: string,
  deviceIds: string[],
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const part of chunks(deviceIds)) {
    const rows = await db
      .selectFrom('statements')
      .select((eb) => ['device_id', eb.fn.max('stated_at').as('at')])
      .where('kind', '=', kind)
      .where('device_id', 'in', part)
      .groupBy('device_id')
      .execute();
    for (const r of rows) out.set(r.device_id, Number(r.at));
  }
  return out;
}
