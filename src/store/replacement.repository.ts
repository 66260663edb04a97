import type { Selectable } from 'kysely';
import type { Visibility } from '../domain/access.policy.js';
import { visibleCondition } from './directory.repository.js';
import type {
  CatalogueItemsTable,
  CustodyEventsTable,
  Db,
  OrderEventsTable,
  ReplacementOrdersTable,
  SanitisationsTable,
  SanitisedDevicesTable,
  StockUnitsTable,
} from './schema.js';
import { chunks } from './transaction.js';

export type CatalogueItemRow = Selectable<CatalogueItemsTable>;
export type OrderRow = Selectable<ReplacementOrdersTable>;
export type OrderEventRow = Selectable<OrderEventsTable>;
export type CustodyRow = Selectable<CustodyEventsTable>;
export type SanitisationRow = Selectable<SanitisationsTable>;

const withId = <R extends { id: number }>(r: R): R => ({ ...r, id: Number(r.id) });

// ---- catalogue -------------------------------------------------------------------------------

export async function listCatalogue(db: Db): Promise<CatalogueItemRow[]> {
  return db.selectFrom('catalogue_items').selectAll().orderBy('id').execute();
}

export async function getCatalogueItems(
  db: Db,
  ids: string[],
): Promise<Map<string, CatalogueItemRow>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('catalogue_items').selectAll().where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, r]));
}

export async function putCatalogueItem(db: Db, row: CatalogueItemRow, exists: boolean) {
  if (exists) {
    const { id, created_at: _c, ...set } = row;
    await db.updateTable('catalogue_items').set(set).where('id', '=', id).execute();
  } else await db.insertInto('catalogue_items').values(row).execute();
}

// ---- stock -----------------------------------------------------------------------------------

export async function insertStockUnits(db: Db, rows: StockUnitsTable[]): Promise<void> {
  for (const part of chunks(rows, 500)) await db.insertInto('stock_units').values(part).execute();
}

export async function getStockUnit(
  db: Db,
  deviceId: string,
): Promise<Selectable<StockUnitsTable> | undefined> {
  return db
    .selectFrom('stock_units')
    .selectAll()
    .where('device_id', '=', deviceId)
    .executeTakeFirst();
}

/** Units per item and location: all of them and the reserved ones (devices still `in_stock`). */
export async function stockCounts(
  db: Db,
): Promise<{ item: string; location: string; total: number; reserved: number }[]> {
  const rows = await db
    .selectFrom('stock_units as s')
    .innerJoin('devices as d', 'd.id', 's.device_id')
    .where('d.status', '=', 'in_stock')
    .select((eb) => [
      's.item_id as item',
      's.location as location',
      eb.fn.countAll<number>().as('total'),
      eb.fn.count<number>('s.reserved_for').as('reserved'),
    ])
    .groupBy(['s.item_id', 's.location'])
    .orderBy('s.item_id')
    .orderBy('s.location')
    .execute();
  return rows.map((r) => ({ ...r, total: Number(r.total), reserved: Number(r.reserved) }));
}

/** Units of an item free to reserve, at a location or anywhere, oldest received first. */
export async function freeUnits(
  db: Db,
  item: string,
  location: string | null,
  limit: number,
): Promise<{ device_id: string; location: string }[]> {
  let q = db
    .selectFrom('stock_units as s')
    .innerJoin('devices as d', 'd.id', 's.device_id')
    .select(['s.device_id', 's.location'])
    .where('s.item_id', '=', item)
    .where('s.reserved_for', 'is', null)
    .where('d.status', '=', 'in_stock');
  if (location !== null) q = q.where('s.location', '=', location);
  return q.orderBy('s.received_at').orderBy('s.device_id').limit(limit).execute();
}

/** Reserves a free unit for an order; false when someone reserved it first. */
export async function reserveUnit(db: Db, deviceId: string, orderId: number): Promise<boolean> {
  const r = await db
    .updateTable('stock_units')
    .set({ reserved_for: orderId })
    .where('device_id', '=', deviceId)
    .where('reserved_for', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function releaseUnit(db: Db, orderId: number): Promise<void> {
  await db
    .updateTable('stock_units')
    .set({ reserved_for: null })
    .where('reserved_for', '=', orderId)
    .execute();
}

/** The unit leaves the stock (issued). */
export async function removeStockUnit(db: Db, deviceId: string): Promise<void> {
  await db.deleteFrom('stock_units').where('device_id', '=', deviceId).execute();
}

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

/** Orders, newest first, filtered; visibility is applied with `units`/`personId` when given. */
/** Orders, newest first; `limit` null: all of them (CSV reports). */
export async function listOrders(
  db: Db,
  f: OrderFilter,
  limit: number | null = null,
): Promise<OrderRow[]> {
  let q = db.selectFrom('replacement_orders').selectAll();
  if (f.id !== undefined) q = q.where('id', '=', f.id);
  if (f.state?.length) q = q.where('state', 'in', f.state);
  if (f.person) q = q.where('person_id', '=', f.person);
  if (f.item) q = q.where('item_id', '=', f.item);
  if (f.mandate) q = q.where('mandate_id', '=', f.mandate);
  if (f.device)
    q = q.where((eb) =>
      eb.or([eb('old_device_id', '=', f.device!), eb('new_device_id', '=', f.device!)]),
    );
  if (f.unconfirmed) q = q.where('issued_at', 'is not', null).where('confirmed_at', 'is', null);
  if (f.visibility) q = q.where(visibleCondition(f.visibility, 'unit', 'person_id'));
  const ordered = q.orderBy('id', 'desc');
  const rows = await (limit === null ? ordered : ordered.limit(limit)).execute();
  return rows.map(withId);
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

// ---- sanitisation ----------------------------------------------------------------------------

export async function insertSanitisation(
  db: Db,
  row: Omit<SanitisationsTable, 'id'>,
  devices: Omit<SanitisedDevicesTable, 'sanitisation_id'>[],
): Promise<number> {
  const r = await db
    .insertInto('sanitisations')
    .values(row)
    .returning('id')
    .executeTakeFirstOrThrow();
  const id = Number(r.id);
  for (const part of chunks(devices, 500))
    await db
      .insertInto('sanitised_devices')
      .values(part.map((d) => ({ ...d, sanitisation_id: id })))
      .execute();
  return id;
}

export async function getSanitisation(db: Db, id: number): Promise<SanitisationRow | undefined> {
  const r = await db
    .selectFrom('sanitisations')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  return r ? withId(r) : undefined;
}

export async function getSanitisationByCertificate(
  db: Db,
  certificate: string,
): Promise<SanitisationRow | undefined> {
  const r = await db
    .selectFrom('sanitisations')
    .selectAll()
    .where('certificate', '=', certificate)
    .executeTakeFirst();
  return r ? withId(r) : undefined;
}

export async function listSanitisations(db: Db, limit = 500): Promise<SanitisationRow[]> {
  const rows = await db
    .selectFrom('sanitisations')
    .selectAll()
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map(withId);
}

export async function sanitisedDevices(
  db: Db,
  id: number,
): Promise<{ device_id: string; description: string }[]> {
  return db
    .selectFrom('sanitised_devices')
    .select(['device_id', 'description'])
    .where('sanitisation_id', '=', id)
    .orderBy('device_id')
    .execute();
}

/** Of these devices, those in a record that awaits verification. */
export async function devicesAwaitingVerification(
  db: Db,
  deviceIds: string[],
): Promise<Set<string>> {
  const out = new Set<string>();
  for (const part of chunks(deviceIds)) {
    const rows = await db
      .selectFrom('sanitised_devices as d')
      .innerJoin('sanitisations as s', 's.id', 'd.sanitisation_id')
      .select('d.device_id')
      .where('s.state', '=', 'recorded')
      .where('d.device_id', 'in', part)
      .execute();
    for (const r of rows) out.add(r.device_id);
  }
  return out;
}

/** Sanitisation records that name a device, newest first. */
export async function sanitisationsOfDevice(db: Db, deviceId: string): Promise<SanitisationRow[]> {
  const rows = await db
    .selectFrom('sanitisations as s')
    .innerJoin('sanitised_devices as d', 'd.sanitisation_id', 's.id')
    .selectAll('s')
    .where('d.device_id', '=', deviceId)
    .orderBy('s.id', 'desc')
    .execute();
  return rows.map(withId);
}

export async function markVerified(
  db: Db,
  id: number,
  set: { verifier: string; verifier_name: string; verified_at: number },
): Promise<boolean> {
  const r = await db
    .updateTable('sanitisations')
    .set({ ...set, state: 'verified' })
    .where('id', '=', id)
    .where('state', '=', 'recorded')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}
