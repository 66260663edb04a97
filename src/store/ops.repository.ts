import { sql } from 'kysely';
import type { Db } from './schema.js';

/** Answers when the database does: readiness. */
export async function ping(db: Db): Promise<void> {
  await sql`select 1`.execute(db);
}

/** What the outbox holds for whoever runs the server: waiting, the oldest waiting, dead letters. */
export async function outboxHealth(
  db: Db,
): Promise<{ waiting: number; oldestCreatedAt: number | null; dead: number }> {
  const rows = await db
    .selectFrom('notifications')
    .select((eb) => [
      'state',
      eb.fn.countAll<number>().as('n'),
      eb.fn.min<number>('created_at').as('oldest'),
    ])
    .where('state', 'in', ['queued', 'sending', 'dead'])
    .groupBy('state')
    .execute();
  let waiting = 0;
  let dead = 0;
  let oldest: number | null = null;
  for (const r of rows) {
    const n = Number(r.n);
    if (r.state === 'dead') dead += n;
    else {
      waiting += n;
      const o = Number(r.oldest);
      if (oldest === null || o < oldest) oldest = o;
    }
  }
  return { waiting, oldestCreatedAt: oldest, dead };
}

/** Open findings of every mandate that has any. */
export async function openFindingsByMandate(db: Db): Promise<{ mandate: string; open: number }[]> {
  const rows = await db
    .selectFrom('findings')
    .select((eb) => ['mandate_id', eb.fn.countAll<number>().as('n')])
    .where('closed_at', 'is', null)
    .groupBy('mandate_id')
    .execute();
  return rows.map((r) => ({ mandate: r.mandate_id, open: Number(r.n) }));
}
