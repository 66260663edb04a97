import { pageOf, type PageRequest } from '../domain/list.page.js';
import type { STOCK_SORTS } from '../domain/list.sorts.js';
import { deviceNameOf } from './record.names.js';
import { z } from 'zod';
import type { Clock } from '../adapters/clock.js';
import { parseCsv } from '../adapters/csv.js';
import { auditActor, visibilityOf, type Actor } from '../domain/access.policy.js';
import type { Device } from '../domain/device.model.js';
import { CatalogueId, CatalogueItemFields, type CatalogueItem } from '../contract/logistics.js';
import { AppError, invalidInput, problemsOf, type Problem } from '../domain/errors.js';
import type { Store } from '../store/database.js';
import { deviceToRow, getDevicesByIds, insertDevices } from '../store/devices.repository.js';
import { insertCustody } from '../store/replacement.repository.js';
import {
  getCatalogueItems,
  insertStockUnits,
  listCatalogue,
  putCatalogueItem,
  stockCounts,
  type CatalogueItemRow,
} from '../store/stock.repository.js';
import type { Db } from '../store/schema.js';
import { Rollback, writeTransaction } from '../store/transaction.js';
import { recordAudit } from './audit.service.js';
import { advanceObservationClock, checkObservationTime } from './settings.service.js';
import { need, replaceMandates } from './replacement.common.js';
import { imeiText } from '../contract/operation.js';

export type CatalogueItemView = CatalogueItem;

const textCell = z
  .string()
  .trim()
  .refine((s) => !/[\u0000-\u001f]/.test(s), 'has control characters');

/** The catalogue with the mandates that offer each item and its stock. */
export async function catalogueOf(db: Db): Promise<CatalogueItemView[]> {
  const offered = new Map<string, string[]>();
  for (const m of await replaceMandates(db))
    for (const item of m.doc.spec.replacement?.catalogue ?? [])
      offered.set(item, [...(offered.get(item) ?? []), m.id]);
  const counts = await stockCounts(db);
  return (await listCatalogue(db)).map((r) => {
    const mine = counts.filter((c) => c.item === r.id);
    const total = mine.reduce((n, c) => n + c.total, 0);
    const reserved = mine.reduce((n, c) => n + c.reserved, 0);
    return {
      id: r.id,
      class: r.class,
      platform: r.platform,
      manufacturer: r.manufacturer,
      model: r.model,
      notes: r.notes,
      active: r.active === 1,
      purposes: JSON.parse(r.purposes) as string[],
      offeredBy: offered.get(r.id) ?? [],
      stock: { total, reserved, free: total - reserved },
    };
  });
}

/** The catalogue of replacement models and the stock of them. */
export function makeCatalogueService(deps: { store: Store; clock: Clock }) {
  const { store, clock } = deps;

  async function receiveIn(
    tx: Db,
    actor: Actor,
    units: { where: string; raw: Record<string, unknown> }[],
    now: number,
  ): Promise<{ received: number; locations: string[] }> {
    const row = z.strictObject({
      id: textCell.pipe(z.string().min(1, 'is required')),
      item: textCell.pipe(z.string().min(1, 'is required')),
      location: textCell.pipe(z.string().min(1, 'is required')),
      serial: textCell.nullable().optional(),
      imei: textCell.pipe(imeiText).nullable().optional(),
    });
    const problems: Problem[] = [];
    const parsed: { where: string; u: z.infer<typeof row> }[] = [];
    for (const { where, raw } of units) {
      const r = row.safeParse(raw);
      if (!r.success) problems.push(...problemsOf(r.error, { prefix: where }));
      else parsed.push({ where, u: r.data });
    }
    if (units.length === 0)
      problems.push({
        where: 'devices',
        code: 'nothing_to_receive',
        message: 'no unit to receive',
      });
    const existing = await getDevicesByIds(
      tx,
      parsed.map((p) => p.u.id),
    );
    const items = await getCatalogueItems(tx, [...new Set(parsed.map((p) => p.u.item))]);
    const seen = new Set<string>();
    for (const { where, u } of parsed) {
      if (existing.has(u.id))
        problems.push({
          where: `${where}.id`,
          value: u.id,
          code: 'device_known',
          message: 'is a device known already',
        });
      if (seen.has(u.id))
        problems.push({
          where: `${where}.id`,
          value: u.id,
          code: 'listed_twice',
          message: 'is listed twice',
        });
      seen.add(u.id);
      const item = items.get(u.item);
      if (!item || item.active !== 1)
        problems.push({
          where: `${where}.item`,
          value: u.item,
          code: 'not_in_catalogue',
          message: item ? 'is withdrawn from the catalogue' : 'is not in the catalogue',
        });
    }
    if (problems.length > 0) throw invalidInput('the stock receipt is refused', problems);
    await checkObservationTime(tx, now, now, 'the receipt');
    const devices = parsed.map(({ u }) => {
      const item = items.get(u.item)!;
      return deviceToRow(
        {
          id: u.id,
          owner: null,
          class: item.class as Device['class'],
          platform: item.platform as Device['platform'],
          osVersion: null,
          manufacturer: item.manufacturer,
          model: item.model,
          serial: u.serial || null,
          imei: u.imei || null,
          ownership: 'corporate',
          purposes: [],
          status: 'in_stock',
          apps: [],
          unit: null,
        },
        { created: now, changed: now, seen: now },
      );
    });
    await insertDevices(tx, devices);
    await insertStockUnits(
      tx,
      parsed.map(({ u }) => ({
        device_id: u.id,
        item_id: u.item,
        location: u.location,
        received_at: now,
        reserved_for: null,
      })),
    );
    await insertCustody(
      tx,
      parsed.map(({ u }) => ({
        device_id: u.id,
        kind: 'receive',
        from_party: 'supplier',
        to_party: `stock:${u.location}`,
        place: u.location,
        at: now,
        recorded_by: actor.email,
        order_id: null,
        sanitisation_id: null,
      })),
    );
    await advanceObservationClock(tx, now);
    const locations = [...new Set(parsed.map((p) => p.u.location))].sort();
    await recordAudit(tx, now, {
      actor: auditActor(actor),
      action: 'stock.receive',
      object: `stock/${locations.join(',')}`,
      change: parsed.map((p) => p.u),
    });
    return { received: parsed.length, locations };
  }

  return {
    async catalogue(actor: Actor): Promise<CatalogueItemView[]> {
      need(actor, 'read', 'sign in first');
      return catalogueOf(store.db);
    },

    /** Creates or changes a catalogue item. */
    async putItem(actor: Actor, id: string, body: unknown): Promise<CatalogueItemView> {
      need(actor, 'logistics', 'the catalogue is kept by logistics');
      const idOk = CatalogueId.safeParse(id);
      const parsed = CatalogueItemFields.safeParse(body);
      const problems = [
        ...(idOk.success ? [] : problemsOf(idOk.error, { prefix: 'id' })),
        ...(parsed.success ? [] : problemsOf(parsed.error)),
      ];
      if (problems.length > 0 || !parsed.success || !idOk.success)
        throw invalidInput('the catalogue item is refused', problems);
      return writeTransaction(store, async (tx) => {
        const now = clock.now();
        const before = (await getCatalogueItems(tx, [idOk.data])).get(idOk.data);
        const f = parsed.data;
        const row: CatalogueItemRow = {
          id: idOk.data,
          class: f.class,
          platform: f.platform,
          manufacturer: f.manufacturer,
          model: f.model,
          notes: f.notes ?? null,
          active: f.active === false ? 0 : 1,
          created_at: before?.created_at ?? now,
          changed_at: now,
          // Not given: as before, or for official business as issued until now.
          purposes: JSON.stringify(
            f.purposes
              ? [...new Set(f.purposes)]
              : before
                ? JSON.parse(before.purposes)
                : ['official'],
          ),
        };
        await putCatalogueItem(tx, row, before !== undefined);
        await recordAudit(tx, now, {
          actor: auditActor(actor),
          action: before ? 'catalogue.update' : 'catalogue.create',
          object: `catalogue/${row.id}`,
          change: f,
        });
        return (await catalogueOf(tx)).find((c) => c.id === row.id)!;
      });
    },

    /** Units per item and location. */
    async stock(actor: Actor, ask: PageRequest<(typeof STOCK_SORTS)[number]> = {}) {
      need(actor, 'read', 'sign in first');
      if (!visibilityOf(actor).all) throw new AppError('forbidden', 'stock is seen by logistics');
      const items = new Map((await catalogueOf(store.db)).map((c) => [c.id, c]));
      const lines = (await stockCounts(store.db)).map((c) => ({
        ...c,
        itemName: deviceNameOf(items.get(c.item)),
        free: c.total - c.reserved,
      }));
      return pageOf(lines, ask, {
        sort: 'item',
        limit: 100,
        value: (l, k) => (k === 'item' ? `${l.itemName ?? ''} ${l.item}` : l[k]),
      });
    },

    /** Receives stock units (one, a list, or a CSV `id,item,location,serial,imei`): all or nothing. */
    async receive(
      actor: Actor,
      input: { devices?: Record<string, unknown>[]; csv?: string },
      dryRun = false,
    ): Promise<{ received: number; locations: string[]; dryRun: boolean }> {
      need(actor, 'logistics', 'receiving stock needs the logistics role');
      let units: { where: string; raw: Record<string, unknown> }[];
      if (input.csv !== undefined) {
        const table = parseCsv(input.csv, 'the CSV');
        const known = ['id', 'item', 'location', 'serial', 'imei'];
        const unknown = table.header.filter((h) => !known.includes(h));
        if (unknown.length > 0)
          throw invalidInput('the CSV has unknown columns', [
            ...unknown.map((h): Problem => ({
              where: 'header',
              value: h,
              code: 'not_one_of',
              params: { values: known.join(', ') },
              message: `is not one of ${known.join(', ')}`,
            })),
          ]);
        units = table.rows.map((r) => ({
          where: `line ${r.line}`,
          raw: Object.fromEntries(table.header.map((h, i) => [h, r.cells[i] ?? ''])),
        }));
      } else
        units = (input.devices ?? []).map((d, i) => ({
          where: `devices[${i}]`,
          raw: d,
        }));
      return writeTransaction(store, async (tx) => {
        const r = await receiveIn(tx, actor, units, clock.now());
        if (dryRun) throw new Rollback({ ...r, dryRun: true });
        return { ...r, dryRun: false };
      });
    },
  };
}
