import type { OpenUnknown } from '../domain/finding.rules.js';
import type { Selectable } from 'kysely';
import type { Db, UnknownsTable } from './schema.js';

type UnknownRow = Selectable<UnknownsTable>;
import { chunks } from './transaction.js';
import { writeIntervalChanges } from './intervals.js';
import { unitAtOrBelow } from './candidates.repository.js';

/** An unknown interval to open. */
export type NewUnknown = Omit<UnknownRow, 'id'>;

/** An unknown interval to close; `drop` removes one that would close as it opens. */
export interface UnknownClose {
  id: number;
  at: number;
  drop: boolean;
}

const COLUMNS = [
  'id',
  'mandate_id',
  'device_id',
  'owner_id',
  'unit',
  'reason',
  'opened_at',
] as const;

function add(
  out: Map<string, Map<string, OpenUnknown>>,
  r: Pick<UnknownRow, (typeof COLUMNS)[number]>,
) {
  let byDevice = out.get(r.mandate_id);
  if (!byDevice) out.set(r.mandate_id, (byDevice = new Map<string, OpenUnknown>()));
  byDevice.set(r.device_id, {
    id: Number(r.id),
    owner: r.owner_id,
    unit: r.unit,
    reason: r.reason,
    openedAt: r.opened_at,
  });
}

/** Open unknown intervals of the devices given, by mandate then device. */
export async function getOpenUnknowns(
  db: Db,
  mandateIds: string[],
  deviceIds: string[],
): Promise<Map<string, Map<string, OpenUnknown>>> {
  const out = new Map<string, Map<string, OpenUnknown>>();
  if (mandateIds.length === 0) return out;
  for (const part of chunks([...new Set(deviceIds)])) {
    const rows = await db
      .selectFrom('unknowns')
      .select(COLUMNS)
      .where('mandate_id', 'in', mandateIds)
      .where('device_id', 'in', part)
      .where('closed_at', 'is', null)
      .execute();
    for (const r of rows) add(out, r);
  }
  return out;
}

/** Every open unknown interval of one mandate, by device. */
export async function getOpenUnknownsOfMandate(
  db: Db,
  mandateId: string,
): Promise<Map<string, OpenUnknown>> {
  const out = new Map<string, Map<string, OpenUnknown>>();
  const rows = await db
    .selectFrom('unknowns')
    .select(COLUMNS)
    .where('mandate_id', '=', mandateId)
    .where('closed_at', 'is', null)
    .execute();
  for (const r of rows) add(out, r);
  return out.get(mandateId) ?? new Map<string, OpenUnknown>();
}

/** Closes (or drops) and opens unknown intervals. */
export async function writeUnknownChanges(
  db: Db,
  closes: UnknownClose[],
  opens: NewUnknown[],
): Promise<void> {
  await writeIntervalChanges(db, 'unknowns', closes, opens);
}

/** Unknown intervals of a mandate opened at or before T (for `findings --state unknown`). */
export async function listUnknownsAt(
  db: Db,
  mandateId: string,
  at: number,
  o: { device?: string; owner?: string } = {},
): Promise<UnknownRow[]> {
  let q = db
    .selectFrom('unknowns')
    .selectAll()
    .where('mandate_id', '=', mandateId)
    .where('opened_at', '<=', at)
    .where((eb) => eb.or([eb('closed_at', 'is', null), eb('closed_at', '>', at)]));
  if (o.device !== undefined) q = q.where('device_id', '=', o.device);
  if (o.owner !== undefined) q = q.where('owner_id', '=', o.owner);
  return q.orderBy('opened_at').orderBy('device_id').execute();
}

/**
 * How many devices are unknown for a mandate at T (within a unit when given), and how many of
 * them had been caught before: those are not resolved, only undecided.
 */
export async function countUnknownAt(
  db: Db,
  mandateId: string,
  at: number,
  unit?: string,
): Promise<{ unknown: number; wereCaught: number }> {
  let q = db
    .selectFrom('unknowns as u')
    .select((eb) => [
      eb.fn.count<number>('u.device_id').distinct().as('n'),
      eb.fn
        .count<number>(
          eb
            .case()
            .when(
              eb.exists(
                eb
                  .selectFrom('findings as f')
                  .select('f.id')
                  .whereRef('f.mandate_id', '=', 'u.mandate_id')
                  .whereRef('f.device_id', '=', 'u.device_id')
                  .where('f.opened_at', '<=', at),
              ),
            )
            .then(eb.ref('u.device_id'))
            .end(),
        )
        .distinct()
        .as('caught'),
    ])
    .where('u.mandate_id', '=', mandateId)
    .where('u.opened_at', '<=', at)
    .where((eb) => eb.or([eb('u.closed_at', 'is', null), eb('u.closed_at', '>', at)]));
  if (unit !== undefined) q = q.where(unitAtOrBelow('u.unit', unit));
  const r = await q.executeTakeFirst();
  return { unknown: Number(r?.n ?? 0), wereCaught: Number(r?.caught ?? 0) };
}
