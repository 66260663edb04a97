import { sql, type Selectable } from 'kysely';
import type { Visibility } from '../domain/access.policy.js';
import { visibleCondition } from './directory.repository.js';
import type { Db, NotificationsTable } from './schema.js';
import { chunks } from './transaction.js';

/** A message as planned, before the outbox gives it an id. */
export type OutboxRow = Omit<NotificationsTable, 'id'>;
export type StoredMessage = Selectable<NotificationsTable>;

/** Inserts what is not there yet; the unique key makes a second planner a no-op. */
export async function insertOutboxRows(tx: Db, rows: OutboxRow[]): Promise<number> {
  let n = 0;
  for (const part of chunks(rows, 500)) {
    const res = await tx
      .insertInto('notifications')
      .values(part)
      .onConflict((oc) => oc.columns(['finding_id', 'step', 'recipient', 'channel']).doNothing())
      .executeTakeFirst();
    n += Number(res.numInsertedOrUpdatedRows ?? 0n);
  }
  return n;
}

/** The steps already planned that begin with `prefix`, of one mandate or of no finding. */
export async function plannedStepsLike(
  db: Db,
  prefix: string,
  of: { mandate: string } | { findingless: true },
): Promise<string[]> {
  let q = db.selectFrom('notifications').select('step').where('step', 'like', `${prefix}%`);
  q = 'mandate' in of ? q.where('mandate_id', '=', of.mandate) : q.where('finding_id', '=', 0);
  return (await q.execute()).map((r) => r.step);
}

/** Which of these findings' steps are planned already, as `FINDING STEP`. */
export async function plannedFindingSteps(
  db: Db,
  mandate: string,
  findings: number[],
  steps: string[],
): Promise<Set<string>> {
  if (findings.length === 0 || steps.length === 0) return new Set();
  // A step that went elsewhere (re-routed) or to nobody (waiting) is not settled: it is looked
  // at again each round, and reaches the rung it asked for once someone is there.
  const rows = await db
    .selectFrom('notifications')
    .select(['finding_id', 'step'])
    .where('mandate_id', '=', mandate)
    .where('finding_id', 'in', findings)
    .where('step', 'in', steps)
    .where('rerouted', 'is', null)
    .where('state', '<>', 'waiting')
    .execute();
  return new Set(rows.map((r) => `${Number(r.finding_id)} ${r.step}`));
}

/** Steps planned before that went elsewhere (`rerouted`) or to nobody (`waiting`), by finding and step. */
export async function unsettledFindingSteps(
  db: Db,
  mandate: string,
  findings: number[],
  steps: string[],
): Promise<Map<string, 'rerouted' | 'waiting'>> {
  const out = new Map<string, 'rerouted' | 'waiting'>();
  if (findings.length === 0 || steps.length === 0) return out;
  const rows = await db
    .selectFrom('notifications')
    .select(['finding_id', 'step', 'state'])
    .where('mandate_id', '=', mandate)
    .where('finding_id', 'in', findings)
    .where('step', 'in', steps)
    .where((eb) => eb.or([eb('rerouted', 'is not', null), eb('state', '=', 'waiting')]))
    .execute();
  for (const r of rows) {
    const key = `${Number(r.finding_id)} ${r.step}`;
    if (out.get(key) !== 'rerouted') out.set(key, r.state === 'waiting' ? 'waiting' : 'rerouted');
  }
  return out;
}

/** Ends the wait of a step someone can now be told about (its message is planned instead). */
export async function clearWaiting(db: Db, findingId: number, step: string): Promise<void> {
  await db
    .deleteFrom('notifications')
    .where('finding_id', '=', findingId)
    .where('step', '=', step)
    .where('state', '=', 'waiting')
    .execute();
}

/** Messages to send now: queued and due, or claimed by a sender whose lease ran out. */
export async function listDeliverable(
  db: Db,
  now: number,
  limit: number,
): Promise<StoredMessage[]> {
  return db
    .selectFrom('notifications')
    .selectAll()
    .where((eb) =>
      eb.or([
        eb.and([eb('state', '=', 'queued'), eb('next_at', '<=', now)]),
        eb.and([eb('state', '=', 'sending'), eb('lease_until', '<', now)]),
      ]),
    )
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** Gives a message up before sending it, unless another sender has moved it on. */
export async function dropMessage(db: Db, m: StoredMessage, error: string): Promise<void> {
  await db
    .updateTable('notifications')
    .set({ state: 'dead', lease_until: null, error })
    .where('id', '=', m.id)
    .where('attempts', '=', m.attempts)
    .execute();
}

/** Claims a message for one sender until `leaseUntil`; false when another sender has it. */
export async function claimMessage(db: Db, m: StoredMessage, leaseUntil: number): Promise<boolean> {
  const claim = await db
    .updateTable('notifications')
    .set({ state: 'sending', lease_until: leaseUntil, attempts: m.attempts + 1 })
    .where('id', '=', m.id)
    .where('attempts', '=', m.attempts)
    .where('state', 'in', ['queued', 'sending'])
    .executeTakeFirst();
  return Number(claim.numUpdatedRows) === 1;
}

export async function markSent(db: Db, id: number, at: number): Promise<void> {
  await db
    .updateTable('notifications')
    .set({ state: 'sent', sent_at: at, lease_until: null, error: null })
    .where('id', '=', id)
    .execute();
}

/** A failed attempt: queued again at `nextAt`, or dead after the last attempt. */
export async function markFailed(
  db: Db,
  id: number,
  o: { dead: boolean; nextAt: number; error: string },
): Promise<void> {
  await db
    .updateTable('notifications')
    .set({
      state: o.dead ? 'dead' : 'queued',
      next_at: o.nextAt,
      lease_until: null,
      error: o.error,
    })
    .where('id', '=', id)
    .execute();
}

export interface OutboxFilter {
  owner?: string;
  mandate?: string;
  device?: string;
  state?: NotificationsTable['state'];
  channel?: NotificationsTable['channel'];
  limit?: number;
  offset?: number;
  visibility?: Visibility;
}

function outboxQuery(db: Db, f: OutboxFilter) {
  let q = db
    .selectFrom('notifications')
    .leftJoin('people as p', 'p.id', 'notifications.owner_id')
    .where(f.visibility ? visibleCondition(f.visibility, 'p.unit', 'p.id') : sql<boolean>`1 = 1`);
  if (f.owner) q = q.where('notifications.owner_id', '=', f.owner);
  if (f.mandate) q = q.where('notifications.mandate_id', '=', f.mandate);
  if (f.device) q = q.where('notifications.device_id', '=', f.device);
  if (f.state) q = q.where('notifications.state', '=', f.state);
  if (f.channel) q = q.where('notifications.channel', '=', f.channel);
  return q;
}

/**
 * What was sent (or could not be) to whom and when, newest first, without the bodies: `limit`
 * of them (200 unless said) from `offset`, with the owner's name.
 */
export async function listOutbox(
  db: Db,
  f: OutboxFilter = {},
): Promise<(Omit<StoredMessage, 'body'> & { owner_name: string | null })[]> {
  const q = outboxQuery(db, f)
    .select([
      'notifications.id',
      'notifications.finding_id',
      'notifications.mandate_id',
      'notifications.device_id',
      'notifications.owner_id',
      'p.name as owner_name',
      'notifications.step',
      'notifications.recipient',
      'notifications.address',
      'notifications.channel',
      'notifications.language',
      'notifications.subject',
      'notifications.state',
      'notifications.attempts',
      'notifications.due_at',
      'notifications.next_at',
      'notifications.lease_until',
      'notifications.created_at',
      'notifications.sent_at',
      'notifications.error',
      'notifications.report_id',
      'notifications.rerouted',
    ])
    .orderBy('notifications.id', 'desc')
    .limit(f.limit ?? 200)
    .offset(f.offset ?? 0);
  return (await q.execute()).map((r) => ({
    ...r,
    owner_name: r.owner_name ?? null,
    id: Number(r.id),
    finding_id: Number(r.finding_id),
  }));
}

/** How many messages the filter matches (every page's total). */
export async function countOutbox(db: Db, f: OutboxFilter = {}): Promise<number> {
  const r = await outboxQuery(db, f)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}
