import type { Db } from './schema.js';
import { chunks, insertMany } from './transaction.js';

/** An interval to close at `at`; `drop` removes one that would close as it opens. */
export interface IntervalClose {
  id: number;
  at: number;
  drop: boolean;
}

/**
 * Closes (or drops) and opens the intervals of a table kept beside findings — devices whose
 * target is undecided (`unknowns`), or that nobody holds (`unassigned`): drops in one pass, closes
 * grouped by their moment, opens in bulk.
 */
export async function writeIntervalChanges<R extends object>(
  db: Db,
  table: 'unknowns' | 'unassigned',
  closes: IntervalClose[],
  opens: R[],
): Promise<void> {
  const drops = closes.filter((c) => c.drop).map((c) => c.id);
  for (const part of chunks(drops)) await db.deleteFrom(table).where('id', 'in', part).execute();
  const byTime = new Map<number, number[]>();
  for (const c of closes) if (!c.drop) byTime.set(c.at, [...(byTime.get(c.at) ?? []), c.id]);
  for (const [at, ids] of byTime)
    for (const part of chunks(ids))
      await db.updateTable(table).set({ closed_at: at }).where('id', 'in', part).execute();
  await insertMany(db, table, opens);
}
