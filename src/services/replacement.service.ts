import { z } from 'zod';
import type { Clock } from '../adapters/clock.js';
import { parseCsv } from '../adapters/csv.js';
import {
  canSeeDevice,
  hasPermission,
  visibilityOf,
  type Actor,
  type Permission,
} from '../domain/access.policy.js';
import { csvCell } from '../domain/csv-cell.js';
import { DEVICE_CLASSES, PLATFORMS, type Device } from '../domain/device.model.js';
import { AppError, invalidInput, type Problem } from '../domain/errors.js';
import { resolvePhaseOf } from '../domain/mandate.model.js';
import {
  LIVE_STATES,
  ORDER_STATES,
  describeWarning,
  judgeShortage,
  nextState,
  refuseStep,
  type OrderState,
  type OrderStep,
  type ShortageLine,
} from '../domain/replacement.rules.js';
import { endOfDay, formatInstant } from '../domain/time.js';
import { unitPathAncestry } from '../domain/unit-path.js';
import type { Store } from '../store/database.js';
import {
  deviceToRow,
  getDevicesByIds,
  insertDevices,
  updateDevice,
  type StoredDevice,
} from '../store/devices.repository.js';
import { getOpenFindings } from '../store/findings.repository.js';
import { getPeopleByIds } from '../store/people.repository.js';
import {
  countCaught,
  countReturned,
  countLiveOrders,
  countOrdersByUnit,
  freeUnits,
  getCatalogueItems,
  getOrder,
  getStockUnit,
  insertCustody,
  insertOrder,
  insertOrderEvent,
  insertStockUnits,
  listCatalogue,
  listCustody,
  listOrderEvents,
  listOrders,
  liveOrdersOfDevices,
  putCatalogueItem,
  releaseUnit,
  removeStockUnit,
  reserveUnit,
  stockCounts,
  updateOrder,
  type CatalogueItemRow,
  type OrderFilter,
  type OrderRow,
} from '../store/replacement.repository.js';
import type { Db } from '../store/schema.js';
import { Rollback, writeTransaction } from '../store/transaction.js';
import { recordAudit } from './audit.service.js';
import { loadActiveMandates, reevaluateDevices, type LoadedMandate } from './evaluation.service.js';
import { advanceObservationClock, checkObservationTime, getTimeZone } from './settings.service.js';

export interface OrderView {
  id: number;
  state: OrderState;
  mandate: string;
  finding: number;
  device: string;
  person: string;
  unit: string;
  item: string;
  newDevice: string | null;
  requestedBy: string;
  requestedAt: string;
  approvedAt: string | null;
  issuedAt: string | null;
  returnedAt: string | null;
  confirmedAt: string | null;
  sanitisedAt: string | null;
  closedAt: string | null;
  endedAt: string | null;
  reason: string | null;
  events?: { step: string; by: string; at: string; place: string | null; note: string | null }[];
}

/** What a handover did (or, in a preview, would do) to compliance. */
export interface HandoverEffect {
  opened: { mandate: string; title: string; device: string }[];
  closed: { mandate: string; title: string; device: string; reason: string }[];
}

export interface CatalogueItemView {
  id: string;
  class: string;
  platform: string;
  manufacturer: string;
  model: string;
  notes: string | null;
  active: boolean;
  offeredBy: string[];
  stock: { total: number; reserved: number; free: number };
}

export interface StockReceipt {
  id: string;
  item: string;
  location: string;
  serial?: string | null;
  imei?: string | null;
}

const t = (x: number | null): string | null => (x === null ? null : formatInstant(x));

function viewOf(r: OrderRow): OrderView {
  return {
    id: r.id,
    state: r.state as OrderState,
    mandate: r.mandate_id,
    finding: Number(r.finding_id),
    device: r.old_device_id,
    person: r.person_id,
    unit: r.unit,
    item: r.item_id,
    newDevice: r.new_device_id,
    requestedBy: r.requested_by,
    requestedAt: formatInstant(r.requested_at),
    approvedAt: t(r.approved_at),
    issuedAt: t(r.issued_at),
    returnedAt: t(r.returned_at),
    confirmedAt: t(r.confirmed_at),
    sanitisedAt: t(r.sanitised_at),
    closedAt: t(r.closed_at),
    endedAt: t(r.ended_at),
    reason: r.reason,
  };
}

const auditActor = (a: Actor): string => a.auditName ?? `account:${a.accountId}`;

const slug = z
  .string()
  .trim()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be a slug: lower-case letters, digits and -');
const catalogueFields = z.strictObject({
  class: z
    .string()
    .transform((s) => s.trim().toLowerCase())
    .pipe(z.enum(DEVICE_CLASSES)),
  platform: z
    .string()
    .transform((s) => s.trim().toLowerCase())
    .pipe(z.enum(PLATFORMS)),
  manufacturer: z.string().trim().min(1, 'is required'),
  model: z.string().trim().min(1, 'is required'),
  notes: z.string().trim().nullable().optional(),
  active: z.boolean().optional(),
});

const textCell = z
  .string()
  .trim()
  .refine((s) => !/[\u0000-\u001f]/.test(s), 'has control characters');

function problemsOf(err: z.ZodError, prefix = ''): Problem[] {
  return err.issues.map((i) => ({
    where: [prefix, ...i.path].filter((x) => x !== '').join('.') || '(body)',
    message: i.message,
  }));
}

/** Options of the steps that hand devices over. */
export interface StepOptions {
  /** Issue: the old device is at the desk and is taken back in the same step. */
  swap?: boolean;
  /** Where the handover happens (default: the stock location of the unit). */
  place?: string;
  /** Approve: the stock location to reserve from (default: any). */
  location?: string;
  /** Reject or cancel: why. */
  reason?: string;
  note?: string;
}

/** Replacement logistics: catalogue, stock, orders through their steps, custody, forecast. */
export function makeReplacementService(deps: { store: Store; clock: Clock }) {
  const { store, clock } = deps;

  function need(actor: Actor, p: Permission, why: string): void {
    if (!hasPermission(actor, p)) throw new AppError('forbidden', why);
  }

  async function replaceMandates(db: Db): Promise<LoadedMandate[]> {
    return (await loadActiveMandates(db, await getTimeZone(db))).filter(
      (m) => m.doc.spec.action === 'replace',
    );
  }

  /** The order if the actor may see it (through the official's unit or themselves); else 404. */
  async function visibleOrder(db: Db, actor: Actor, id: number): Promise<OrderRow> {
    const rows = await listOrders(db, { visibility: visibilityOf(actor), id });
    const o = rows[0];
    if (!o) throw new AppError('not_found', `no replacement order ${id}`);
    return o;
  }

  // The mandates in force, read once per transaction (a bulk step hands over thousands).
  const inForce = new WeakMap<Db, Promise<LoadedMandate[]>>();
  function mandatesIn(tx: Db): Promise<LoadedMandate[]> {
    let m = inForce.get(tx);
    if (!m) inForce.set(tx, (m = getTimeZone(tx).then((zone) => loadActiveMandates(tx, zone))));
    return m;
  }
  /** A write transaction whose cached mandates end with it. */
  function write<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    let used: Db | null = null;
    return writeTransaction(store, (tx) => {
      used = tx;
      return fn(tx);
    }).finally(() => {
      if (used) inForce.delete(used);
    });
  }

  /** Writes device changes at `at`, then re-judges them: findings open and close then. */
  async function changeDevices(
    tx: Db,
    changes: { before: StoredDevice; next: Device }[],
    at: number,
  ): Promise<HandoverEffect> {
    for (const c of changes)
      await updateDevice(
        tx,
        deviceToRow(c.next, { created: c.before.createdAt, changed: at, seen: at }),
      );
    await advanceObservationClock(tx, at);
    const mandates = await mandatesIn(tx);
    const outcome = await reevaluateDevices(
      tx,
      changes.map((c) => c.next.id),
      at,
      mandates,
    );
    const title = (id: string) => mandates.find((m) => m.id === id)?.doc.metadata.title ?? id;
    // A handover touches one or two devices: the samples hold every finding it opened or closed.
    return {
      opened: outcome.sample.opened.map((f) => ({
        mandate: f.mandate,
        title: title(f.mandate),
        device: f.device,
      })),
      closed: outcome.sample.closed.map((f) => ({ ...f, title: title(f.mandate) })),
    };
  }

  async function event(
    tx: Db,
    actor: Actor,
    order: number,
    step: OrderStep,
    at: number,
    place: string | null,
    note: string | null,
    change: object,
  ): Promise<void> {
    await insertOrderEvent(tx, { order_id: order, step, actor: actor.email, at, place, note });
    await recordAudit(tx, at, {
      actor: auditActor(actor),
      action: `replacement.${step}`,
      object: `replacement/${order}`,
      change,
    });
  }

  function refuse(step: OrderStep, o: OrderRow): void {
    const why = refuseStep(step, {
      state: o.state as OrderState,
      confirmed: o.confirmed_at !== null,
    });
    if (why) throw new AppError('conflict', `replacement ${o.id}: ${why}`);
  }

  async function move(tx: Db, o: OrderRow, set: Parameters<typeof updateOrder>[3]): Promise<void> {
    if (!(await updateOrder(tx, o.id, o.state, set)))
      throw new AppError('conflict', `replacement ${o.id} changed meanwhile; read it again`);
  }

  /** Deciders: logistics or an officer, never the requester or the official it is for. */
  function checkDecider(actor: Actor, o: OrderRow, what: string): void {
    need(actor, 'replacements.decide', `${what} replacements needs the logistics or officer role`);
    if (o.requested_by === actor.email)
      throw new AppError('forbidden', 'the requester cannot decide their own request');
    if (actor.personId !== null && actor.personId === o.person_id)
      throw new AppError('forbidden', 'an official cannot decide a request for their own device');
  }

  // ---- the steps, each inside the caller's transaction ---------------------------------------

  async function approveIn(tx: Db, actor: Actor, o: OrderRow, opts: StepOptions, now: number) {
    checkDecider(actor, o, 'approving');
    refuse('approve', o);
    const location = opts.location?.trim() || null;
    const [unit] = await freeUnits(tx, o.item_id, location, 1);
    if (!unit || !(await reserveUnit(tx, unit.device_id, o.id)))
      throw new AppError(
        'conflict',
        `no unit of ${o.item_id} is free in stock${location ? ` at ${location}` : ''}: receive stock first`,
      );
    await move(tx, o, { state: 'approved', approved_at: now, new_device_id: unit.device_id });
    await event(tx, actor, o.id, 'approve', now, unit.location, opts.note ?? null, {
      reserved: unit.device_id,
      location: unit.location,
    });
    return {};
  }

  async function endIn(
    tx: Db,
    actor: Actor,
    o: OrderRow,
    step: 'reject' | 'cancel',
    opts: StepOptions,
    now: number,
  ) {
    if (step === 'reject') checkDecider(actor, o, 'rejecting');
    else if (
      !hasPermission(actor, 'replacements.decide') &&
      actor.personId !== o.person_id &&
      o.requested_by !== actor.email
    )
      throw new AppError(
        'forbidden',
        'only the official, the requester, logistics or an officer can cancel a request',
      );
    refuse(step, o);
    const reason = opts.reason?.trim() ?? '';
    if (step === 'reject' && reason === '')
      throw invalidInput('a rejection needs a reason', [
        { where: 'reason', message: 'is required' },
      ]);
    await releaseUnit(tx, o.id);
    await move(tx, o, {
      state: step === 'reject' ? 'rejected' : 'cancelled',
      ended_at: now,
      reason: reason || null,
      new_device_id: null,
    });
    await event(tx, actor, o.id, step, now, null, reason || null, { reason: reason || null });
    return {};
  }

  /** Hands the reserved unit to the official and, with `swap`, takes the old device back. */
  async function issueIn(tx: Db, actor: Actor, o: OrderRow, opts: StepOptions, now: number) {
    need(actor, 'logistics', 'issuing devices needs the logistics role');
    refuse('issue', o);
    const ids = [o.new_device_id!, o.old_device_id];
    const devices = await getDevicesByIds(tx, ids);
    const unit = devices.get(o.new_device_id!);
    const stock = await getStockUnit(tx, o.new_device_id!);
    if (!unit || unit.status !== 'in_stock' || !stock)
      throw new AppError('conflict', `the reserved unit ${o.new_device_id} is no longer in stock`);
    const person = (await getPeopleByIds(tx, [o.person_id])).get(o.person_id);
    if (!person?.active)
      throw new AppError('conflict', `${o.person_id} is no longer an active person`);
    const place = opts.place?.trim() || stock.location;
    const { createdAt: _c, changedAt: _ch, ...fields } = unit;
    const changes: { before: StoredDevice; next: Device }[] = [
      {
        before: unit,
        next: {
          ...fields,
          owner: o.person_id,
          status: 'active',
          ownership: 'corporate',
          purposes: ['official'],
        },
      },
    ];
    const custody = [
      {
        device_id: unit.id,
        kind: 'issue',
        from_party: `stock:${stock.location}`,
        to_party: `person:${o.person_id}`,
        place,
        at: now,
        recorded_by: actor.email,
        order_id: o.id,
        sanitisation_id: null,
      },
    ];
    if (opts.swap) {
      const old = devices.get(o.old_device_id);
      checkReturnable(o, old);
      changes.push({ before: old!, next: returned(old!) });
      custody.push(returnCustody(actor, o, place, now));
    }
    await removeStockUnit(tx, unit.id);
    const effect = await changeDevices(tx, changes, now);
    await insertCustody(tx, custody);
    await move(tx, o, {
      state: nextState('issue', { state: 'approved', confirmed: false }, opts.swap === true),
      issued_at: now,
      ...(opts.swap ? { returned_at: now } : {}),
    });
    await event(tx, actor, o.id, 'issue', now, place, opts.note ?? null, {
      issued: unit.id,
      to: o.person_id,
      swap: opts.swap === true,
      place,
    });
    if (opts.swap)
      await event(tx, actor, o.id, 'return', now, place, null, {
        returned: o.old_device_id,
        place,
      });
    return effect;
  }

  function checkReturnable(o: OrderRow, old: StoredDevice | undefined): void {
    if (!old || old.owner !== o.person_id || ['wiped', 'destroyed', 'retired'].includes(old.status))
      throw new AppError(
        'conflict',
        `the old device ${o.old_device_id} is no longer held by ${o.person_id}${old ? ` (${old.status})` : ''}`,
      );
  }

  /** DESIGN §11: a returned device becomes `retired` with no owner at the handover. */
  function returned(old: StoredDevice): Device {
    const { createdAt: _c, changedAt: _ch, ...fields } = old;
    return { ...fields, owner: null, status: 'retired' };
  }

  function returnCustody(actor: Actor, o: OrderRow, place: string, now: number) {
    return {
      device_id: o.old_device_id,
      kind: 'return',
      from_party: `person:${o.person_id}`,
      to_party: 'logistics',
      place,
      at: now,
      recorded_by: actor.email,
      order_id: o.id,
      sanitisation_id: null,
    };
  }

  async function returnIn(tx: Db, actor: Actor, o: OrderRow, opts: StepOptions, now: number) {
    need(actor, 'logistics', 'receiving returns needs the logistics role');
    refuse('return', o);
    const old = (await getDevicesByIds(tx, [o.old_device_id])).get(o.old_device_id);
    checkReturnable(o, old);
    const place = opts.place?.trim() || 'logistics desk';
    const effect = await changeDevices(tx, [{ before: old!, next: returned(old!) }], now);
    await insertCustody(tx, [returnCustody(actor, o, place, now)]);
    await move(tx, o, { state: 'returned', returned_at: now });
    await event(tx, actor, o.id, 'return', now, place, opts.note ?? null, {
      returned: o.old_device_id,
      place,
    });
    return effect;
  }

  /** Closes an issued order whose old device will not come back: it is no longer the official's. */
  async function writeoffIn(tx: Db, actor: Actor, o: OrderRow, opts: StepOptions, now: number) {
    need(actor, 'logistics', 'closing orders needs the logistics role');
    refuse('writeoff', o);
    const reason = opts.reason?.trim() ?? '';
    if (reason === '')
      throw invalidInput('closing without the old device needs a reason', [
        { where: 'reason', message: 'is required' },
      ]);
    const old = (await getDevicesByIds(tx, [o.old_device_id])).get(o.old_device_id);
    if (old && old.owner === o.person_id && old.status === 'active')
      throw new AppError(
        'conflict',
        `the old device ${o.old_device_id} is still held by ${o.person_id}: receive it back instead`,
      );
    await move(tx, o, { state: 'closed', closed_at: now, reason });
    await event(tx, actor, o.id, 'writeoff', now, null, reason, {
      device: o.old_device_id,
      status: old?.status ?? null,
      reason,
    });
    return {};
  }

  const STEPS = {
    approve: approveIn,
    issue: issueIn,
    return: returnIn,
  } as const;
  type BulkStep = keyof typeof STEPS;

  /** One step on one order, in its own transaction, effective now. */
  async function single<R>(
    actor: Actor,
    id: number,
    run: (tx: Db, o: OrderRow, now: number) => Promise<R>,
  ): Promise<OrderView & R> {
    return write(async (tx) => {
      const o = await visibleOrder(tx, actor, id);
      const now = clock.now();
      await checkObservationTime(tx, now, now, 'the handover');
      const r = await run(tx, o, now);
      return { ...viewOf((await getOrder(tx, id))!), ...r };
    });
  }

  // ---- catalogue and stock --------------------------------------------------------------------

  async function offers(db: Db): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    for (const m of await replaceMandates(db))
      for (const item of m.doc.spec.replacement?.catalogue ?? [])
        out.set(item, [...(out.get(item) ?? []), m.id]);
    return out;
  }

  async function catalogue(db: Db): Promise<CatalogueItemView[]> {
    const offered = await offers(db);
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
        offeredBy: offered.get(r.id) ?? [],
        stock: { total, reserved, free: total - reserved },
      };
    });
  }

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
      imei: textCell.nullable().optional(),
    });
    const problems: Problem[] = [];
    const parsed: { where: string; u: z.infer<typeof row> }[] = [];
    for (const { where, raw } of units) {
      const r = row.safeParse(raw);
      if (!r.success) problems.push(...problemsOf(r.error, where));
      else parsed.push({ where, u: r.data });
    }
    if (units.length === 0) problems.push({ where: 'devices', message: 'no unit to receive' });
    const existing = await getDevicesByIds(
      tx,
      parsed.map((p) => p.u.id),
    );
    const items = await getCatalogueItems(tx, [...new Set(parsed.map((p) => p.u.item))]);
    const seen = new Set<string>();
    for (const { where, u } of parsed) {
      if (existing.has(u.id))
        problems.push({ where: `${where}.id`, value: u.id, message: 'is a device known already' });
      if (seen.has(u.id))
        problems.push({ where: `${where}.id`, value: u.id, message: 'is listed twice' });
      seen.add(u.id);
      const item = items.get(u.item);
      if (!item || item.active !== 1)
        problems.push({
          where: `${where}.item`,
          value: u.item,
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

  /** Reads a bulk CSV: a column `order` or `device` (the old device), optionally `place`. */
  function bulkRows(
    csv: string,
  ): { where: string; order?: number; device?: string; place?: string }[] {
    const table = parseCsv(csv, 'the CSV');
    const col = (name: string) => table.header.indexOf(name);
    const [o, d, p] = [col('order'), col('device'), col('place')];
    const unknown = table.header.filter((h) => !['order', 'device', 'place'].includes(h));
    if (unknown.length > 0 || (o < 0 && d < 0))
      throw invalidInput('the CSV needs a column order or device (and may have place)', [
        ...unknown.map((h) => ({ where: 'header', value: h, message: 'is not a known column' })),
        ...(o < 0 && d < 0 ? [{ where: 'header', message: 'has neither order nor device' }] : []),
      ]);
    return table.rows.map((r) => {
      const cell = (i: number) => (i >= 0 ? (r.cells[i] ?? '').trim() : '');
      return {
        where: `line ${r.line}`,
        ...(cell(o) ? { order: Number(cell(o)) } : {}),
        ...(cell(d) ? { device: cell(d) } : {}),
        ...(cell(p) ? { place: cell(p) } : {}),
      };
    });
  }

  return {
    async catalogue(actor: Actor): Promise<CatalogueItemView[]> {
      need(actor, 'read', 'sign in first');
      return catalogue(store.db);
    },

    /** Creates or changes a catalogue item. */
    async putItem(actor: Actor, id: string, body: unknown): Promise<CatalogueItemView> {
      need(actor, 'logistics', 'the catalogue is kept by logistics');
      const idOk = slug.safeParse(id);
      const parsed = catalogueFields.safeParse(body);
      const problems = [
        ...(idOk.success ? [] : problemsOf(idOk.error, 'id')),
        ...(parsed.success ? [] : problemsOf(parsed.error)),
      ];
      if (problems.length > 0 || !parsed.success || !idOk.success)
        throw invalidInput('the catalogue item is refused', problems);
      return write(async (tx) => {
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
        };
        await putCatalogueItem(tx, row, before !== undefined);
        await recordAudit(tx, now, {
          actor: auditActor(actor),
          action: before ? 'catalogue.update' : 'catalogue.create',
          object: `catalogue/${row.id}`,
          change: f,
        });
        return (await catalogue(tx)).find((c) => c.id === row.id)!;
      });
    },

    /** Units per item and location. */
    async stock(actor: Actor) {
      need(actor, 'read', 'sign in first');
      if (!visibilityOf(actor).all) throw new AppError('forbidden', 'stock is seen by logistics');
      return (await stockCounts(store.db)).map((c) => ({ ...c, free: c.total - c.reserved }));
    },

    /** Receives stock units (one, a list, or a CSV `id,item,location,serial,imei`): all or nothing. */
    async receive(
      actor: Actor,
      input: { devices?: StockReceipt[]; csv?: string },
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
            ...unknown.map((h) => ({
              where: 'header',
              value: h,
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
          raw: d as unknown as Record<string, unknown>,
        }));
      return write(async (tx) => {
        const r = await receiveIn(tx, actor, units, clock.now());
        if (dryRun) throw new Rollback({ ...r, dryRun: true });
        return { ...r, dryRun: false };
      });
    },

    /** An official asks for one of the offered models for a device a `replace` mandate caught. */
    async request(
      actor: Actor,
      r: { device: string; item: string; mandate?: string; note?: string },
    ): Promise<OrderView> {
      need(
        actor,
        'replacements.request',
        'requesting replacements needs the official or officer role',
      );
      return write(async (tx) => {
        const v = visibilityOf(actor);
        const d = (await getDevicesByIds(tx, [r.device])).get(r.device);
        const owner = d?.owner ? (await getPeopleByIds(tx, [d.owner])).get(d.owner) : undefined;
        if (!d || !canSeeDevice(v, owner ?? null))
          throw new AppError('not_found', `no device ${r.device}`);
        if (!owner)
          throw new AppError(
            'unprocessable',
            `device ${r.device} has no owner: no mandate catches it`,
          );
        if (!actor.roles.has('officer') && actor.personId !== owner.id)
          throw new AppError(
            'forbidden',
            'an official may request replacements only for their own devices',
          );
        const mandates = await replaceMandates(tx);
        const open =
          mandates.length === 0
            ? new Map<string, Map<string, { id: number }>>()
            : await getOpenFindings(
                tx,
                mandates.map((m) => m.id),
                [r.device],
              );
        const catching = mandates.filter(
          (m) => open.get(m.id)?.has(r.device) && (!r.mandate || m.id === r.mandate),
        );
        if (catching.length === 0)
          throw new AppError(
            'unprocessable',
            `device ${r.device} is not caught by ${r.mandate ? `mandate ${r.mandate}` : 'any mandate that asks for a replacement'}`,
          );
        const m = catching.find((c) => c.doc.spec.replacement?.catalogue.includes(r.item));
        const item = (await getCatalogueItems(tx, [r.item])).get(r.item);
        if (!m || !item || item.active !== 1) {
          const offered = [
            ...new Set(catching.flatMap((c) => c.doc.spec.replacement?.catalogue ?? [])),
          ];
          throw invalidInput('the request is refused', [
            {
              where: 'item',
              value: r.item,
              message: !m
                ? `is not offered for this device; offered: ${offered.join(', ') || '(none)'}`
                : 'is not an active catalogue item',
            },
          ]);
        }
        const live = await liveOrdersOfDevices(tx, [r.device], LIVE_STATES);
        if (live.has(r.device))
          throw new AppError(
            'conflict',
            `device ${r.device} has replacement ${live.get(r.device)!.id} in progress already`,
          );
        const now = clock.now();
        const id = await insertOrder(tx, {
          mandate_id: m.id,
          finding_id: open.get(m.id)!.get(r.device)!.id,
          old_device_id: r.device,
          person_id: owner.id,
          unit: owner.unit,
          item_id: r.item,
          location: null,
          state: 'requested',
          new_device_id: null,
          requested_by: actor.email,
          requested_at: now,
          approved_at: null,
          issued_at: null,
          returned_at: null,
          confirmed_at: null,
          sanitised_at: null,
          closed_at: null,
          ended_at: null,
          reason: null,
        });
        await event(tx, actor, id, 'request', now, null, r.note?.trim() || null, r);
        return viewOf((await getOrder(tx, id))!);
      });
    },

    approve: (actor: Actor, id: number, opts: StepOptions = {}) =>
      single(actor, id, (tx, o, now) => approveIn(tx, actor, o, opts, now)),
    reject: (actor: Actor, id: number, opts: StepOptions = {}) =>
      single(actor, id, (tx, o, now) => endIn(tx, actor, o, 'reject', opts, now)),
    cancel: (actor: Actor, id: number, opts: StepOptions = {}) =>
      single(actor, id, (tx, o, now) => endIn(tx, actor, o, 'cancel', opts, now)),
    issue: (actor: Actor, id: number, opts: StepOptions = {}) =>
      single(actor, id, async (tx, o, now) => ({ effect: await issueIn(tx, actor, o, opts, now) })),
    writeoff: (actor: Actor, id: number, opts: StepOptions = {}) =>
      single(actor, id, (tx, o, now) => writeoffIn(tx, actor, o, opts, now)),
    receiveReturn: (actor: Actor, id: number, opts: StepOptions = {}) =>
      single(actor, id, async (tx, o, now) => ({
        effect: await returnIn(tx, actor, o, opts, now),
      })),

    /** What issuing would do to compliance, without doing it: findings that would open or close. */
    async preview(actor: Actor, id: number, opts: StepOptions = {}): Promise<HandoverEffect> {
      return write(async (tx) => {
        const o = await visibleOrder(tx, actor, id);
        const now = clock.now();
        const effect = await issueIn(tx, actor, o, opts, now);
        throw new Rollback(effect);
      });
    },

    /** The official confirms they received the new device. */
    async confirm(actor: Actor, id: number): Promise<OrderView> {
      return single(actor, id, async (tx, o, now) => {
        if (actor.personId !== o.person_id)
          throw new AppError(
            'forbidden',
            'only the official who received the device can confirm it',
          );
        refuse('confirm', o);
        const state = nextState('confirm', { state: o.state as OrderState, confirmed: false });
        await move(tx, o, {
          state,
          confirmed_at: now,
          ...(state === 'closed' ? { closed_at: now } : {}),
        });
        await event(tx, actor, o.id, 'confirm', now, null, null, { confirmed: o.new_device_id });
        return {};
      });
    },

    /**
     * Approve, issue or receive returns for many orders at once (a list or a CSV): all or
     * nothing; a refusal lists every entry that failed and why.
     */
    async bulk(
      actor: Actor,
      step: BulkStep,
      input: { orders?: number[]; devices?: string[]; csv?: string },
      opts: StepOptions = {},
    ): Promise<{ done: OrderView[] }> {
      const entries: { where: string; order?: number; device?: string; place?: string }[] =
        input.csv !== undefined
          ? bulkRows(input.csv)
          : [
              ...(input.orders ?? []).map((order, i) => ({ where: `orders[${i}]`, order })),
              ...(input.devices ?? []).map((device, i) => ({ where: `devices[${i}]`, device })),
            ];
      if (entries.length === 0)
        throw invalidInput('nothing to do', [
          { where: 'orders/devices/csv', message: 'name at least one order' },
        ]);
      return write(async (tx) => {
        const now = clock.now();
        await checkObservationTime(tx, now, now, 'the handover');
        const byDevice = await liveOrdersOfDevices(
          tx,
          entries.flatMap((e) => (e.device ? [e.device] : [])),
          LIVE_STATES,
        );
        const problems: Problem[] = [];
        const done: number[] = [];
        for (const e of entries) {
          try {
            let id = e.order;
            if (id === undefined) {
              const o = byDevice.get(e.device ?? '');
              if (!o)
                throw new AppError(
                  'not_found',
                  `device ${e.device} has no replacement in progress`,
                );
              id = o.id;
            }
            if (!Number.isInteger(id))
              throw new AppError('invalid_input', 'is not an order number');
            if (done.includes(id)) throw new AppError('conflict', `order ${id} is listed twice`);
            const o = await visibleOrder(tx, actor, id);
            await STEPS[step](
              tx,
              actor,
              o,
              { ...opts, ...(e.place ? { place: e.place } : {}) },
              now,
            );
            done.push(id);
          } catch (err) {
            if (!(err instanceof AppError) || err.code === 'internal') throw err;
            problems.push({
              where: e.where,
              value: String(e.order ?? e.device ?? ''),
              message: err.message,
            });
          }
        }
        if (problems.length > 0)
          throw invalidInput(
            `${problems.length} of ${entries.length} entries are refused; nothing was done`,
            problems,
          );
        const out: OrderView[] = [];
        for (const id of done) out.push(viewOf((await getOrder(tx, id))!));
        return { done: out };
      });
    },

    /** One order with its steps. */
    async get(actor: Actor, id: number): Promise<OrderView> {
      const o = await visibleOrder(store.db, actor, id);
      const events = await listOrderEvents(store.db, id);
      return {
        ...viewOf(o),
        events: events.map((e) => ({
          step: e.step,
          by: e.actor,
          at: formatInstant(e.at),
          place: e.place,
          note: e.note,
        })),
      };
    },

    /** Orders the actor may see, newest first. */
    /** Orders the actor may see, newest first: `limit` of them, or all (null). */
    async list(
      actor: Actor,
      f: Omit<OrderFilter, 'visibility'> = {},
      limit: number | null = null,
    ): Promise<OrderView[]> {
      for (const s of f.state ?? [])
        if (!(ORDER_STATES as readonly string[]).includes(s))
          throw invalidInput('unknown state', [
            { where: 'state', value: s, message: `must be one of ${ORDER_STATES.join(', ')}` },
          ]);
      return (await listOrders(store.db, { ...f, visibility: visibilityOf(actor) }, limit)).map(
        viewOf,
      );
    },

    /** The orders as CSV, as listed. */
    listCsv(orders: OrderView[]): string {
      const cols = [
        'id',
        'state',
        'mandate',
        'device',
        'person',
        'unit',
        'item',
        'newDevice',
        'requestedAt',
        'approvedAt',
        'issuedAt',
        'returnedAt',
        'confirmedAt',
        'sanitisedAt',
        'closedAt',
        'endedAt',
        'reason',
      ] as const;
      const lines = orders.map((o) => cols.map((c) => csvCell(String(o[c] ?? ''))).join(','));
      return [cols.join(','), ...lines].join('\r\n').concat('\r\n');
    },

    /** Orders counted by unit (cut to `depth` levels) and state, within the actor's scope. */
    async byUnit(
      actor: Actor,
      depth = 3,
    ): Promise<{ unit: string; counts: Record<OrderState, number>; total: number }[]> {
      const v = visibilityOf(actor);
      const groups = new Map<string, Record<OrderState, number>>();
      const rows = v.all
        ? await countOrdersByUnit(store.db)
        : (await listOrders(store.db, { visibility: v })).map((o) => ({
            unit: o.unit,
            state: o.state,
            n: 1,
          }));
      for (const r of rows) {
        const chain = unitPathAncestry(r.unit);
        const unit = chain[Math.min(depth, chain.length) - 1] ?? r.unit;
        let g = groups.get(unit);
        if (!g)
          groups.set(
            unit,
            (g = Object.fromEntries(ORDER_STATES.map((s) => [s, 0])) as Record<OrderState, number>),
          );
        g[r.state as OrderState] += r.n;
      }
      return [...groups.entries()]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([unit, counts]) => ({
          unit,
          counts,
          total: Object.values(counts).reduce((a, b) => a + b, 0),
        }));
    },

    byUnitCsv(rows: { unit: string; counts: Record<OrderState, number>; total: number }[]): string {
      const head = ['unit', ...ORDER_STATES, 'total'];
      const lines = rows.map((r) =>
        [r.unit, ...ORDER_STATES.map((s) => String(r.counts[s])), String(r.total)]
          .map(csvCell)
          .join(','),
      );
      return [head.join(','), ...lines].join('\r\n').concat('\r\n');
    },

    /** A device's chain of custody, oldest first. */
    async custody(actor: Actor, deviceId: string) {
      const d = (await getDevicesByIds(store.db, [deviceId])).get(deviceId);
      const owner = d?.owner ? (await getPeopleByIds(store.db, [d.owner])).get(d.owner) : undefined;
      if (!d || !canSeeDevice(visibilityOf(actor), owner ?? null))
        throw new AppError('not_found', `no device ${deviceId}`);
      return (await listCustody(store.db, deviceId)).map((c) => ({
        kind: c.kind,
        from: c.from_party,
        to: c.to_party,
        place: c.place,
        at: formatInstant(c.at),
        recordedBy: c.recorded_by,
        order: c.order_id === null ? null : Number(c.order_id),
        sanitisation: c.sanitisation_id === null ? null : Number(c.sanitisation_id),
      }));
    },

    /**
     * Per mandate that asks for replacements: demand against the free stock of what it offers,
     * and the pace of handovers against its due date; per model: free, reserved, awaiting approval.
     */
    async shortage(actor: Actor): Promise<{
      asOf: string;
      mandates: (ShortageLine & { warningText: string[] })[];
      items: (CatalogueItemView & { awaitingApproval: number })[];
    }> {
      if (!visibilityOf(actor).all)
        throw new AppError('forbidden', 'the shortage forecast is for logistics and officers');
      const db = store.db;
      const now = clock.now();
      const zone = await getTimeZone(db);
      const items = await catalogue(db);
      const awaiting = await countLiveOrders(db, ['requested']);
      const lines = [];
      for (const m of await replaceMandates(db)) {
        const offered = m.doc.spec.replacement?.catalogue ?? [];
        const due = resolvePhaseOf(m.doc)?.due ?? null;
        const line = judgeShortage({
          mandate: m.id,
          due,
          dueEnd: due ? endOfDay(due, zone) : null,
          items: offered,
          ...(await countCaught(db, m.id, now, LIVE_STATES)),
          awaitingApproval: awaiting.filter((a) => a.mandate === m.id).reduce((n, a) => n + a.n, 0),
          available: items
            .filter((i) => offered.includes(i.id))
            .reduce((n, i) => n + i.stock.free, 0),
          returnedLast14Days: await countReturned(db, m.id, now - 14 * 86_400_000, now),
          now,
        });
        lines.push({ ...line, warningText: line.warnings.map((w) => describeWarning(w, due)) });
      }
      return {
        asOf: formatInstant(now),
        mandates: lines,
        items: items.map((i) => ({
          ...i,
          awaitingApproval: awaiting.filter((a) => a.item === i.id).reduce((n, a) => n + a.n, 0),
        })),
      };
    },
  };
}
