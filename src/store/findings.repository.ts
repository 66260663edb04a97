import type { CloseReason, OpenFinding } from '../domain/finding.rules.js';
import type { Db, FindingsTable } from './schema.js';
import { chunks, insertMany } from './transaction.js';

/** A finding to open (the closing columns stay empty). */
export interface NewFinding {
  mandate_id: string;
  device_id: string;
  owner_id: string | null;
  unit: string;
  opened_at: number;
  closed_at: null;
  close_reason: null;
  close_status: null;
}

/** A finding to close; `drop` removes one that would close as it opens. */
export interface FindingClose {
  id: number;
  at: number;
  reason: CloseReason;
  status: string | null;
  drop: boolean;
}

/** Open findings of the devices given, by mandate then device. */
export async function getOpenFindings(
  db: Db,
  mandateIds: string[],
  deviceIds: string[],
): Promise<Map<string, Map<string, OpenFinding>>> {
  const out = new Map<string, Map<string, OpenFinding>>();
  for (const part of chunks([...new Set(deviceIds)])) {
    const rows = await db
      .selectFrom('findings')
      .select(['id', 'mandate_id', 'device_id', 'owner_id', 'unit', 'opened_at'])
      .where('mandate_id', 'in', mandateIds)
      .where('device_id', 'in', part)
      .where('closed_at', 'is', null)
      .execute();
    for (const r of rows) addOpen(out, r);
  }
  return out;
}

/** Every open finding of one mandate, by device. */
export async function getOpenFindingsOfMandate(
  db: Db,
  mandateId: string,
): Promise<Map<string, OpenFinding>> {
  const rows = await db
    .selectFrom('findings')
    .select(['id', 'mandate_id', 'device_id', 'owner_id', 'unit', 'opened_at'])
    .where('mandate_id', '=', mandateId)
    .where('closed_at', 'is', null)
    .execute();
  const out = new Map<string, Map<string, OpenFinding>>();
  for (const r of rows) addOpen(out, r);
  return out.get(mandateId) ?? new Map<string, OpenFinding>();
}

function addOpen(
  out: Map<string, Map<string, OpenFinding>>,
  r: Pick<FindingsTable, 'mandate_id' | 'device_id' | 'owner_id' | 'unit' | 'opened_at'> & {
    id: number;
  },
): void {
  let byDevice = out.get(r.mandate_id);
  if (!byDevice) out.set(r.mandate_id, (byDevice = new Map<string, OpenFinding>()));
  byDevice.set(r.device_id, {
    id: Number(r.id),
    owner: r.owner_id,
    unit: r.unit,
    openedAt: r.opened_at,
  });
}

/** Applies closes (grouped into few statements) and drops, then inserts new findings. */
export async function writeFindingChanges(
  db: Db,
  closes: FindingClose[],
  opens: NewFinding[],
): Promise<void> {
  const drops = closes.filter((c) => c.drop).map((c) => c.id);
  for (const part of chunks(drops))
    await db.deleteFrom('findings').where('id', 'in', part).execute();
  const groups = new Map<string, FindingClose[]>();
  for (const c of closes) {
    if (c.drop) continue;
    const key = `${c.at}|${c.reason}|${c.status ?? ''}`;
    const g = groups.get(key);
    if (g) g.push(c);
    else groups.set(key, [c]);
  }
  for (const g of groups.values()) {
    const { at, reason, status } = g[0]!;
    for (const part of chunks(g.map((c) => c.id))) {
      await db
        .updateTable('findings')
        .set({ closed_at: at, close_reason: reason, close_status: status })
        .where('id', 'in', part)
        .execute();
    }
  }
  await insertMany(db, 'findings', opens);
}

/** Whether a mandate has an open finding for this owner. */
export async function hasOpenFindingOfOwner(
  db: Db,
  mandateId: string,
  ownerId: string,
): Promise<boolean> {
  const r = await db
    .selectFrom('findings')
    .select('id')
    .where('mandate_id', '=', mandateId)
    .where('owner_id', '=', ownerId)
    .where('closed_at', 'is', null)
    .limit(1)
    .executeTakeFirst();
  return r !== undefined;
}

/** When a finding closed, if it has. */
export async function getFindingClosedAt(db: Db, id: number): Promise<number | null> {
  const f = await db
    .selectFrom('findings')
    .select('closed_at')
    .where('id', '=', id)
    .executeTakeFirst();
  return f?.closed_at ?? null;
}

/** The first `limit` open findings of a mandate in the order they were written. */
export async function firstOpenFindings(
  db: Db,
  mandateId: string,
  limit: number,
): Promise<{ device_id: string; owner_id: string | null }[]> {
  return db
    .selectFrom('findings')
    .select(['device_id', 'owner_id'])
    .where('mandate_id', '=', mandateId)
    .where('closed_at', 'is', null)
    .orderBy('id')
    .limit(limit)
    .execute();
}
