import type { Selectable } from 'kysely';
import type { CatalogueItemsTable, Db, StockUnitsTable } from './schema.js';
import { chunks } from './transaction.js';

export type CatalogueItemRow = Selectable<CatalogueItemsTable>;

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
