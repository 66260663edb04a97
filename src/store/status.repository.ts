import { sql } from 'kysely';
import type { Visibility } from '../domain/access.policy.js';
import { unitAtOrBelow } from './candidates.repository.js';
import { visibleCondition } from './directory.repository.js';
import { rawSqlite } from './database.js';
import { CLOSED_STATES, DEPARTING_REASONS } from '../domain/status.rules.js';
import type { Db } from './schema.js';

/** Restricts findings `f` to a unit subtree, or to nothing more when none is given. */
function inUnit(unit: string | undefined) {
  return unit === undefined ? sql<boolean>`1 = 1` : unitAtOrBelow('f.unit', unit);
}

/** An approved exemption in force at T covers a finding's owner, or its device while the owner stays. */
export function exemptAt(at: number) {
  return sql<number>`(case when exists (
    select 1 from exemptions e
     where e.mandate_id = f.mandate_id
       and e.approved_at is not null and e.approved_at <= ${at}
       and e.ends_at > ${at}
       and (e.revoked_at is null or e.revoked_at > ${at})
       and (e.person_id = f.owner_id or (e.device_id = f.device_id
            and (e.device_owner_id = f.owner_id or (e.device_owner_id is null and f.owner_id is null))))
  ) then 1 else 0 end)`;
}

export interface DeviceAggregate {
  devices: number;
  open: number;
  recent: number;
  lost: number;
  departed: number;
}

/**
 * Per mandate at T: devices ever caught, open now, resolved in the last 14 days (not those that
 * departed), lost, and departed (their last finding closed as the owner left or moved out).
 */
export async function aggregateDevices(
  db: Db,
  mandateId: string,
  at: number,
  since: number,
  unit?: string,
): Promise<DeviceAggregate> {
  const departing = sql.join(DEPARTING_REASONS.map((x) => sql`${x}`));
  const r = await sql<DeviceAggregate>`
    select count(*) as devices,
           coalesce(sum(is_open), 0) as open,
           coalesce(sum(case when is_open = 0 and last_closed > ${since}
                              and (departed_closed is null or departed_closed < last_closed)
                             then 1 else 0 end), 0) as recent,
           coalesce(sum(case when is_open = 0 and lost_closed = last_closed then 1 else 0 end), 0) as lost,
           coalesce(sum(case when is_open = 0 and departed_closed = last_closed then 1 else 0 end), 0) as departed
      from (select device_id,
                   max(case when closed_at is null or closed_at > ${at} then 1 else 0 end) as is_open,
                   max(case when closed_at <= ${at} then closed_at end) as last_closed,
                   max(case when closed_at <= ${at} and close_status = 'lost' then closed_at end) as lost_closed,
                   max(case when closed_at <= ${at} and close_reason in (${departing}) then closed_at end) as departed_closed
              from findings f
             where f.mandate_id = ${mandateId} and f.opened_at <= ${at} and ${inUnit(unit)}
             group by device_id) x`.execute(db);
  const row = r.rows[0];
  return {
    devices: Number(row?.devices ?? 0),
    open: Number(row?.open ?? 0),
    recent: Number(row?.recent ?? 0),
    lost: Number(row?.lost ?? 0),
    departed: Number(row?.departed ?? 0),
  };
}

export interface OpenAggregate {
  open: number;
  exempt: number;
  nonCompliantOwners: number;
  affectedOwners: number;
}

/** Whether any exemption of the mandate was ever approved: without one, nothing is exempt. */
async function hasApprovedExemptions(db: Db, mandateId: string, at: number): Promise<boolean> {
  const r = await db
    .selectFrom('exemptions')
    .select('id')
    .where('mandate_id', '=', mandateId)
    .where('approved_at', 'is not', null)
    .where('approved_at', '<=', at)
    .limit(1)
    .executeTakeFirst();
  return r !== undefined;
}

/**
 * Per mandate at T: open findings, exempt ones, owners not compliant, owners ever affected.
 * Each query walks one covering index in owner order, so no temporary sort is needed.
 */
export async function aggregateOpen(
  db: Db,
  mandateId: string,
  at: number,
  unit?: string,
): Promise<OpenAggregate> {
  const exemptions = await hasApprovedExemptions(db, mandateId, at);
  const ex = exemptions ? exemptAt(at) : sql<number>`0`;
  const open = await sql<{ open: number; exempt: number }>`
    select count(*) as open, coalesce(sum(${ex}), 0) as exempt
      from findings f
     where f.mandate_id = ${mandateId} and f.opened_at <= ${at} and ${inUnit(unit)}
       and (f.closed_at is null or f.closed_at > ${at})`.execute(db);
  const owners = await sql<{ n: number }>`
    select count(*) as n from (
      select f.owner_id from findings f
       where f.mandate_id = ${mandateId} and f.opened_at <= ${at} and ${inUnit(unit)}
         and (f.closed_at is null or f.closed_at > ${at}) and ${ex} = 0
         and f.owner_id is not null
       group by f.owner_id) x`.execute(db);
  const affected = await sql<{ n: number }>`
    select count(*) as n from (
      select f.owner_id from findings f
       where f.mandate_id = ${mandateId} and f.opened_at <= ${at} and ${inUnit(unit)}
         and f.owner_id is not null
       group by f.owner_id) x`.execute(db);
  const o = open.rows[0];
  return {
    open: Number(o?.open ?? 0),
    exempt: Number(o?.exempt ?? 0),
    nonCompliantOwners: Number(owners.rows[0]?.n ?? 0),
    affectedOwners: Number(affected.rows[0]?.n ?? 0),
  };
}

/** One row per finding opened at or before T, with whether it is exempt at T. */
export interface FindingAtRow {
  id: number;
  device_id: string;
  owner_id: string | null;
  unit: string;
  opened_at: number;
  closed_at: number | null;
  close_reason: string | null;
  close_status: string | null;
  exempt: number;
}

/** Every finding of a mandate opened at or before T, by opened then device. */
export async function listFindingsAt(
  db: Db,
  mandateId: string,
  at: number,
  only: { device?: string; owner?: string } = {},
): Promise<FindingAtRow[]> {
  const device = only.device === undefined ? sql`` : sql` and f.device_id = ${only.device}`;
  const owner = only.owner === undefined ? sql`` : sql` and f.owner_id = ${only.owner}`;
  const r = await sql<FindingAtRow>`
    select f.id, f.device_id, f.owner_id, f.unit, f.opened_at, f.closed_at, f.close_reason, f.close_status,
           ${exemptAt(at)} as exempt
      from findings f
     where f.mandate_id = ${mandateId} and f.opened_at <= ${at}${device}${owner}
     order by f.opened_at, f.device_id, f.id`.execute(db);
  return r.rows.map((x) => ({ ...x, id: Number(x.id), exempt: Number(x.exempt) }));
}

/** The first attestation at or before T of each unit or person for a phase. */
export async function firstAttestations(
  db: Db,
  mandateId: string,
  phaseId: string,
): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('attestations')
    .select((eb) => ['unit', 'person_id', eb.fn.min('attested_at').as('first')])
    .where('mandate_id', '=', mandateId)
    .where('phase_id', '=', phaseId)
    .groupBy(['unit', 'person_id'])
    .execute();
  const out = new Map<string, number>();
  for (const r of rows) out.set(r.unit ?? r.person_id ?? '', Number(r.first));
  return out;
}

/** Open findings (devices) of a mandate at each of the instants given, from one pass over its findings. */
export async function countOpenAt(
  db: Db,
  mandateId: string,
  instants: number[],
  visibility?: Visibility,
): Promise<number[]> {
  const rows = await db
    .selectFrom('findings')
    .select(['opened_at', 'closed_at'])
    .where('mandate_id', '=', mandateId)
    .where(visibility ? visibleCondition(visibility, 'unit', 'owner_id') : sql<boolean>`1 = 1`)
    .execute();
  // +1 when a finding opens, −1 when it closes; the running sum is what is open.
  const events: [number, number][] = [];
  for (const r of rows) {
    events.push([Number(r.opened_at), 1]);
    if (r.closed_at !== null) events.push([Number(r.closed_at), -1]);
  }
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const out: number[] = [];
  let open = 0;
  let i = 0;
  for (const t of instants) {
    while (i < events.length && events[i]![0] <= t) open += events[i++]![1];
    out.push(open);
  }
  return out;
}

/** Which findings a page reads, and in which order. */
export interface FindingPageQuery {
  at: number;
  /** Whether a finding open at T (and not exempt) is overdue at T. */
  overdue: boolean;
  states?: string[];
  unit?: string;
  device?: string;
  owner?: string;
  visibility?: Visibility;
  sort: 'opened' | 'closed' | 'state';
  descending: boolean;
  limit: number;
  offset: number;
}

/** A closed finding's state, rendered from `status.rules.ts` `CLOSED_STATES`. */
const CLOSED_STATE_SQL = sql<string>`(case ${sql.join(
  CLOSED_STATES.map((r) =>
    'reason' in r
      ? sql`when f.close_reason = ${r.reason} then ${r.state}`
      : sql`when f.close_status = ${r.status} then ${r.state}`,
  ),
  sql` `,
)} else 'resolved' end)`;

/** A finding's state at T (DESIGN §5), as `status.rules.ts` decides it, in SQL. */
function stateAt(at: number, overdue: boolean) {
  return sql<string>`(case when f.closed_at is null or f.closed_at > ${at}
      then (case when ${exemptAt(at)} = 1 then 'exempt' else ${overdue ? 'overdue' : 'pending'} end)
      else ${CLOSED_STATE_SQL} end)`;
}

/** The conditions of a page of findings, shared by the page and its count. */
function pageWhere(
  mandateId: string,
  q: Omit<FindingPageQuery, 'sort' | 'descending' | 'limit' | 'offset'>,
) {
  const state = stateAt(q.at, q.overdue);
  return sql<boolean>`f.mandate_id = ${mandateId} and f.opened_at <= ${q.at}
     and ${inUnit(q.unit)}
     and ${q.device === undefined ? sql`1 = 1` : sql`f.device_id = ${q.device}`}
     and ${q.owner === undefined ? sql`1 = 1` : sql`f.owner_id = ${q.owner}`}
     and ${q.visibility ? visibleCondition(q.visibility, 'f.unit', 'f.owner_id') : sql`1 = 1`}
     and ${q.states && q.states.length > 0 ? sql`${state} in (${sql.join(q.states)})` : sql`1 = 1`}`;
}

/**
 * A page of a mandate's findings opened at or before T, filtered and sorted in SQL (ties by
 * opening, then device id in code-point order). Opening order walks the index
 * `findings_mandate_opened`.
 */
export async function pageFindingsAt(
  db: Db,
  mandateId: string,
  q: FindingPageQuery,
): Promise<(FindingAtRow & { state: string })[]> {
  const state = stateAt(q.at, q.overdue);
  const dir = sql.raw(q.descending ? 'desc' : 'asc');
  // Code-point order on both: SQLite compares bytes; PostgreSQL's default collation may not.
  const device = rawSqlite.get(db) ? sql`f.device_id` : sql`f.device_id collate "C"`;
  const order =
    q.sort === 'opened'
      ? sql`f.opened_at ${dir}, ${device}`
      : q.sort === 'closed'
        ? sql`(case when f.closed_at is null or f.closed_at > ${q.at} then 1 else 0 end) ${dir}, f.closed_at ${dir}, f.opened_at, ${device}`
        : sql`${state} ${dir}, f.opened_at, ${device}`;
  const page = await sql<FindingAtRow & { state: string }>`
      select f.id, f.device_id, f.owner_id, f.unit, f.opened_at, f.closed_at, f.close_reason,
             f.close_status, 0 as exempt, ${state} as state
        from findings f where ${pageWhere(mandateId, q)}
       order by ${order} limit ${q.limit} offset ${q.offset}`.execute(db);
  return page.rows.map((x) => ({
    ...x,
    id: Number(x.id),
    opened_at: Number(x.opened_at),
    closed_at: x.closed_at === null ? null : Number(x.closed_at),
  }));
}

/** How many findings a page's question matches in all (it walks them all: worth keeping). */
export async function countFindingsAt(
  db: Db,
  mandateId: string,
  q: Omit<FindingPageQuery, 'sort' | 'descending' | 'limit' | 'offset'>,
): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    select count(*) as n from findings f where ${pageWhere(mandateId, q)}`.execute(db);
  return Number(rows[0]?.n ?? 0);
}
