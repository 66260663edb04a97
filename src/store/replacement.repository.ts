import type { Selectable } from 'kysely';
import type { Visibility } from '../domain/access.policy.js';
import type { ORDER_SORTS, SortKey } from '../domain/list.sorts.js';
import { orderBy, visibleCondition } from './directory.repository.js';
import type { CustodyEventsTable, Db, OrderEventsTable, ReplacementOrdersTable } from './schema.js';
import { chunks } from './transaction.js';

export type OrderRow = Selectable<ReplacementOrdersTable>;
export type OrderEventRow = Selectable<OrderEventsTable>;
export type CustodyRow = Selectable<CustodyEventsTable>;

const withId = <R extends { id: number }>(r: R): R => ({ ...r, id: Number(r.id) });

// ---- orders ----------------------------------------------------------------------------------

export async function insertOrder(
  db: Db,
  row: Omit<ReplacementOrdersTable, 'id'>,
): Promise<number> {
  const r = await db
    .insertInto('replacement_orders')
    .values(row)
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(r.id);
}

export async function getOrder(db: Db, id: number): Promise<OrderRow | undefined> {
  const r = await db
    .selectFrom('replacement_orders')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  return r ? withId(r) : undefined;
}

/** The live order of each of these old devices. */
export async function liveOrdersOfDevices(
  db: Db,
  deviceIds: string[],
  live: readonly string[],
): Promise<Map<string, OrderRow>> {
  const out = new Map<string, OrderRow>();
  for (const part of chunks(deviceIds)) {
    const rows = await db
      .selectFrom('replacement_orders')
      .selectAll()
      .where('old_device_id', 'in', part)
      .where('state', 'in', live)
      .execute();
    for (const r of rows) out.set(r.old_device_id, withId(r));
  }
  return out;
}

/** Changes an order if it is still in the state read (a second writer finds it changed). */
export async function updateOrder(
  db: Db,
  id: number,
  from: string,
  set: Partial<Omit<ReplacementOrdersTable, 'id'>>,
): Promise<boolean> {
  const r = await db
    .updateTable('replacement_orders')
    .set(set)
    .where('id', '=', id)
    .where('state', '=', from)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export interface OrderFilter {
  id?: number;
  state?: string[];
  person?: string;
  item?: string;
  mandate?: string;
  device?: string;
  unconfirmed?: boolean;
  /** Whose orders the caller may see: by the official's unit at request, or themselves. */
  visibility?: Visibility;
}

/** Orders the filter allows, newest first; `limit` null: all of them (CSV reports). */
export async function listOrders(
  db: Db,
  f: OrderFilter,
  limit: number | null = null,
): Promise<OrderRow[]> {
  const ordered = ordersQuery(db, f).selectAll('o').orderBy('o.id', 'desc');
  const rows = await (limit === null ? ordered : ordered.limit(limit)).execute();
  return rows.map(withId);
}

/** Orders the filter allows, with the official, the old device and the item beside each. */
function ordersQuery(db: Db, f: OrderFilter) {
  let q = db
    .selectFrom('replacement_orders as o')
    .leftJoin('people as p', 'p.id', 'o.person_id')
    .leftJoin('devices as d', 'd.id', 'o.old_device_id')
    .leftJoin('catalogue_items as c', 'c.id', 'o.item_id');
  if (f.id !== undefined) q = q.where('o.id', '=', f.id);
  if (f.state?.length) q = q.where('o.state', 'in', f.state);
  if (f.person) q = q.where('o.person_id', '=', f.person);
  if (f.item) q = q.where('o.item_id', '=', f.item);
  if (f.mandate) q = q.where('o.mandate_id', '=', f.mandate);
  if (f.device)
    q = q.where((eb) =>
      eb.or([eb('o.old_device_id', '=', f.device!), eb('o.new_device_id', '=', f.device!)]),
    );
  if (f.unconfirmed) q = q.where('o.issued_at', 'is not', null).where('o.confirmed_at', 'is', null);
  if (f.visibility) q = q.where(visibleCondition(f.visibility, 'o.unit', 'o.person_id'));
  return q;
}

const ORDER_ORDER: Record<(typeof ORDER_SORTS)[number], string[]> = {
  requested: ['o.id'],
  owner: ['p.name_key', 'o.id'],
  device: ['d.manufacturer', 'd.model', 'o.old_device_id', 'o.id'],
  item: ['c.manufacturer', 'c.model', 'o.id'],
  state: ['o.state', 'o.id'],
  unit: ['o.unit', 'o.id'],
};

/**
 * A page of the orders the filter allows, sorted, with the official's name, the old device's
 * maker and model and the catalogue item's, and how many there are in all.
 */
export async function pageOrders(
  db: Db,
  f: OrderFilter,
  page: { sort: SortKey<(typeof ORDER_SORTS)[number]>; offset: number; limit: number },
) {
  const base = ordersQuery(db, f);
  const key = page.sort.replace(/^-/, '') as (typeof ORDER_SORTS)[number];
  const [rows, count] = await Promise.all([
    base
      .selectAll('o')
      .select([
        'p.name as person_name',
        'd.manufacturer as device_maker',
        'd.ownership as device_ownership',
        'd.model as device_model',
        'c.manufacturer as item_maker',
        'c.model as item_model',
      ])
      .orderBy(orderBy(ORDER_ORDER[key], page.sort.startsWith('-')))
      .limit(page.limit)
      .offset(page.offset)
      .execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst(),
  ]);
  return { rows: rows.map(withId), total: Number(count?.n ?? 0) };
}

/** Orders counted by unit and state. */
export async function countOrdersByUnit(
  db: Db,
): Promise<{ unit: string; state: string; n: number }[]> {
  const rows = await db
    .selectFrom('replacement_orders')
    .select((eb) => ['unit', 'state', eb.fn.countAll<number>().as('n')])
    .groupBy(['unit', 'state'])
    .execute();
  return rows.map((r) => ({ ...r, n: Number(r.n) }));
}

/** Live orders per mandate and item in some states (for the shortage forecast). */
export async function countLiveOrders(
  db: Db,
  states: string[],
): Promise<{ mandate: string; item: string; n: number }[]> {
  const rows = await db
    .selectFrom('replacement_orders')
    .select((eb) => ['mandate_id as mandate', 'item_id as item', eb.fn.countAll<number>().as('n')])
    .where('state', 'in', states)
    .groupBy(['mandate_id', 'item_id'])
    .execute();
  return rows.map((r) => ({ ...r, n: Number(r.n) }));
}

/** Open findings of a mandate now: all of them, and those whose device has no live order. */
export async function countCaught(
  db: Db,
  mandate: string,
  now: number,
  live: readonly string[],
): Promise<{ open: number; withoutOrder: number }> {
  const openAt = db
    .selectFrom('findings as f')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('f.mandate_id', '=', mandate)
    .where('f.opened_at', '<=', now)
    .where((eb) => eb.or([eb('f.closed_at', 'is', null), eb('f.closed_at', '>', now)]));
  const open = await openAt.executeTakeFirst();
  const without = await openAt
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('replacement_orders as o')
            .select('o.id')
            .whereRef('o.old_device_id', '=', 'f.device_id')
            .where('o.state', 'in', live),
        ),
      ),
    )
    .executeTakeFirst();
  return { open: Number(open?.n ?? 0), withoutOrder: Number(without?.n ?? 0) };
}

/** Old devices of a mandate's orders handed back in [from, to]. */
export async function countReturned(
  db: Db,
  mandate: string,
  from: number,
  to: number,
): Promise<number> {
  const r = await db
    .selectFrom('replacement_orders')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('mandate_id', '=', mandate)
    .where('returned_at', '>=', from)
    .where('returned_at', '<=', to)
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

export async function insertOrderEvent(db: Db, row: Omit<OrderEventsTable, 'id'>): Promise<void> {
  await db.insertInto('order_events').values(row).execute();
}

export async function listOrderEvents(db: Db, orderId: number): Promise<OrderEventRow[]> {
  const rows = await db
    .selectFrom('order_events')
    .selectAll()
    .where('order_id', '=', orderId)
    .orderBy('id')
    .execute();
  return rows.map(withId);
}

// ---- custody ---------------------------------------------------------------------------------

export async function insertCustody(db: Db, rows: Omit<CustodyEventsTable, 'id'>[]): Promise<void> {
  for (const part of chunks(rows, 500))
    await db.insertInto('custody_events').values(part).execute();
}

/** A device's chain of custody, oldest first. */
export async function listCustody(db: Db, deviceId: string): Promise<CustodyRow[]> {
  const rows = await db
    .selectFrom('custody_events')
    .selectAll()
    .where('device_id', '=', deviceId)
    .orderBy('at')
    .orderBy('id')
    .execute();
  return rows.map(withId);
}

/** Of these devices, those phaseout's own workflow holds: received into stock, returned or sanitised. */
export async function workflowDevices(db: Db, deviceIds: string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (const part of chunks(deviceIds)) {
    const rows = await db
      .selectFrom('custody_events')
      .select('device_id')
      .distinct()
      .where('device_id', 'in', part)
      .where('kind', 'in', ['receive', 'return', 'sanitise'])
      .execute();
    for (const r of rows) out.add(r.device_id);
  }
  return out;
}

/** Orders an official is to be told about: approved (collect), or issued and not yet confirmed. */
export async function listOrdersToTell(db: Db) {
  return db
    .selectFrom('replacement_orders as o')
    .leftJoin('stock_units as s', 's.device_id', 'o.new_device_id')
    .select([
      'o.id',
      'o.finding_id',
      'o.mandate_id',
      'o.old_device_id',
      'o.person_id',
      'o.new_device_id',
      'o.state',
      'o.approved_at',
      'o.issued_at',
      's.location',
    ])
    .where((eb) =>
      eb.or([
        eb('o.state', '=', 'approved'),
        eb.and([
          eb('o.issued_at', 'is not', null),
          eb('o.confirmed_at', 'is', null),
          eb('o.state', 'in', ['issued', 'returned', 'sanitised']),
        ]),
      ]),
    )
    .execute();
}

/** An order's state and whether its receipt is confirmed. */
export async function getOrderProgress(
  db: Db,
  id: number,
): Promise<{ state: string; confirmed_at: number | null } | undefined> {
  return db
    .selectFrom('replacement_orders')
    .select(['state', 'confirmed_at'])
    .where('id', '=', id)
    .executeTakeFirst();
}
