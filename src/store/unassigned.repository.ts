import type { OpenUnassigned } from '../domain/finding.rules.js';
import type { ExpressionBuilder } from 'kysely';
import { DEPARTING_REASONS } from '../domain/status.rules.js';
import type { Database, Db } from './schema.js';
import { chunks } from './transaction.js';
import { writeIntervalChanges } from './intervals.js';
import { unitAtOrBelow } from './candidates.repository.js';

/** An unassigned interval to open. */
export interface NewUnassigned {
  mandate_id: string;
  device_id: string;
  opened_at: number;
  closed_at: null;
}

/** An unassigned interval to close; `drop` removes one that would close as it opens. */
export interface UnassignedClose {
  id: number;
  at: number;
  drop: boolean;
}

type Open = Map<string, Map<string, OpenUnassigned>>;

function add(
  out: Open,
  r: { id: number; mandate_id: string; device_id: string; opened_at: number },
) {
  let byDevice = out.get(r.mandate_id);
  if (!byDevice) out.set(r.mandate_id, (byDevice = new Map<string, OpenUnassigned>()));
  byDevice.set(r.device_id, { id: Number(r.id), openedAt: r.opened_at });
}

/** Open unassigned intervals of the devices given, by mandate then device. */
export async function getOpenUnassigned(
  db: Db,
  mandateIds: string[],
  deviceIds: string[],
): Promise<Open> {
  const out: Open = new Map();
  if (mandateIds.length === 0) return out;
  for (const part of chunks([...new Set(deviceIds)])) {
    const rows = await db
      .selectFrom('unassigned')
      .select(['id', 'mandate_id', 'device_id', 'opened_at'])
      .where('mandate_id', 'in', mandateIds)
      .where('device_id', 'in', part)
      .where('closed_at', 'is', null)
      .execute();
    for (const r of rows) add(out, r);
  }
  return out;
}

/** Every open unassigned interval of one mandate, by device. */
export async function getOpenUnassignedOfMandate(
  db: Db,
  mandateId: string,
): Promise<Map<string, OpenUnassigned>> {
  const out: Open = new Map();
  const rows = await db
    .selectFrom('unassigned')
    .select(['id', 'mandate_id', 'device_id', 'opened_at'])
    .where('mandate_id', '=', mandateId)
    .where('closed_at', 'is', null)
    .execute();
  for (const r of rows) add(out, r);
  return out.get(mandateId) ?? new Map<string, OpenUnassigned>();
}

/** Closes (or drops) and opens unassigned intervals. */
export async function writeUnassignedChanges(
  db: Db,
  closes: UnassignedClose[],
  opens: NewUnassigned[],
): Promise<void> {
  await writeIntervalChanges(db, 'unassigned', closes, opens);
}

/** How many devices are unassigned for a mandate at T. */
export async function countUnassignedAt(
  db: Db,
  mandateId: string,
  at: number,
  unit?: string,
): Promise<{ unassigned: number; wereCaught: number; departed: number }> {
  const caughtBefore = (eb: ExpressionBuilder<Database & { u: Database['unassigned'] }, 'u'>) =>
    eb
      .selectFrom('findings as f')
      .select('f.id')
      .whereRef('f.mandate_id', '=', 'u.mandate_id')
      .whereRef('f.device_id', '=', 'u.device_id')
      .where('f.opened_at', '<=', at)
      .$if(unit !== undefined, (q) => q.where(unitAtOrBelow('f.unit', unit!)));
  const r = await db
    .selectFrom('unassigned as u')
    .select((eb) => [
      eb.fn.count<number>('u.device_id').distinct().as('n'),
      // Of them, those caught before (in the unit, when one is given): not resolved, nobody's.
      eb.fn
        .count<number>(
          eb
            .case()
            .when(eb.exists(caughtBefore(eb)))
            .then(eb.ref('u.device_id'))
            .end(),
        )
        .distinct()
        .as('caught'),
      // ... and of those, the ones whose last finding closed as departed (counted here instead).
      eb.fn
        .count<number>(
          eb
            .case()
            .when(
              eb.exists(
                caughtBefore(eb)
                  .where('f.close_reason', 'in', [...DEPARTING_REASONS])
                  .where((w) =>
                    w.not(
                      w.exists(
                        w
                          .selectFrom('findings as g')
                          .select('g.id')
                          .whereRef('g.mandate_id', '=', 'f.mandate_id')
                          .whereRef('g.device_id', '=', 'f.device_id')
                          .whereRef('g.opened_at', '>', 'f.opened_at')
                          .where('g.opened_at', '<=', at),
                      ),
                    ),
                  ),
              ),
            )
            .then(eb.ref('u.device_id'))
            .end(),
        )
        .distinct()
        .as('departed'),
    ])
    .where('u.mandate_id', '=', mandateId)
    .where('u.opened_at', '<=', at)
    .where((eb) => eb.or([eb('u.closed_at', 'is', null), eb('u.closed_at', '>', at)]))
    .executeTakeFirst();
  return {
    unassigned: Number(r?.n ?? 0),
    wereCaught: Number(r?.caught ?? 0),
    departed: Number(r?.departed ?? 0),
  };
}

/** How many unassigned intervals of a mandate are open (the latest state, whenever they began). */
export async function countOpenUnassigned(db: Db, mandateId: string): Promise<number> {
  const r = await db
    .selectFrom('unassigned')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('mandate_id', '=', mandateId)
    .where('closed_at', 'is', null)
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

/** The unassigned intervals of a mandate open at T, by device (`findings --state unassigned`). */
export async function listUnassignedAt(
  db: Db,
  mandateId: string,
  at: number,
): Promise<{ device_id: string; opened_at: number }[]> {
  return db
    .selectFrom('unassigned')
    .select(['device_id', 'opened_at'])
    .where('mandate_id', '=', mandateId)
    .where('opened_at', '<=', at)
    .where((eb) => eb.or([eb('closed_at', 'is', null), eb('closed_at', '>', at)]))
    .orderBy('opened_at')
    .orderBy('device_id')
    .execute();
}
