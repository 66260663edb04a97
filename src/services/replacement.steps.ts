import type { Clock } from '../adapters/clock.js';
import { auditActor, hasPermission, visibilityOf, type Actor } from '../domain/access.policy.js';
import type { Device } from '../domain/device.model.js';
import { AppError, invalidInput } from '../domain/errors.js';
import {
  nextState,
  refuseStep,
  type OrderState,
  type OrderStep,
  refuseTaking,
} from '../domain/replacement.rules.js';
import type { Store } from '../store/database.js';
import {
  deviceToRow,
  getDevicesByIds,
  updateDevice,
  type StoredDevice,
} from '../store/devices.repository.js';
import { getPeopleByIds } from '../store/people.repository.js';
import { getCatalogueItems } from '../store/stock.repository.js';
import { judgeDevice } from '../domain/finding.rules.js';
import {
  insertCustody,
  insertOrderEvent,
  listOrders,
  updateOrder,
  type OrderRow,
} from '../store/replacement.repository.js';
import {
  freeUnits,
  getStockUnit,
  releaseUnit,
  removeStockUnit,
  reserveUnit,
} from '../store/stock.repository.js';
import type { Db } from '../store/schema.js';
import { writeTransaction } from '../store/transaction.js';
import { recordAudit } from './audit.service.js';
import { loadActiveMandates, reevaluateDevices, type LoadedMandate } from './evaluation.service.js';
import { advanceObservationClock, getTimeZone } from './settings.service.js';
import { need } from './replacement.common.js';
import type { HandoverEffect, StepOptions } from './replacement.views.js';

/**
 * The steps that move an order on, each inside the caller's write transaction and effective at
 * `now`: approve (reserves a unit), reject, cancel, issue (with swap), return, write-off.
 */
export function makeOrderSteps(deps: { store: Store; clock: Clock }) {
  const { store } = deps;

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

  /**
   * DESIGN §11: the mandates in force that would catch the unit once it is the official's
   * (active, theirs, issued for the catalogue item's purposes).
   */
  async function wouldCatch(
    tx: Db,
    unit: Device,
    o: OrderRow,
  ): Promise<{ issued: Device; catching: { mandate: string; title: string }[] }> {
    const item = (await getCatalogueItems(tx, [o.item_id])).get(o.item_id);
    const issued: Device = {
      ...unit,
      owner: o.person_id,
      status: 'active',
      ownership: 'corporate',
      purposes: item ? (JSON.parse(item.purposes) as Device['purposes']) : ['official'],
    };
    const person = (await getPeopleByIds(tx, [o.person_id])).get(o.person_id) ?? null;
    const catching = (await mandatesIn(tx))
      .filter((m) => judgeDevice(m.judge, issued, person).caught)
      .map((m) => ({ mandate: m.id, title: m.doc.metadata.title }));
    return { issued, catching };
  }

  /**
   * Refuses a unit that a mandate in force would catch (409, naming each mandate), unless an
   * officer overrides it with a reason now, or did when approving; the override is kept on the
   * order and audited.
   */
  async function checkCompliant(
    tx: Db,
    actor: Actor,
    o: OrderRow,
    unit: Device,
    opts: StepOptions,
    now: number,
  ): Promise<Device> {
    const { issued, catching } = await wouldCatch(tx, unit, o);
    if (catching.length === 0 || (o.override_reason !== null && !opts.override)) return issued;
    const reason = opts.override?.trim() ?? '';
    if (!reason)
      throw new AppError(
        'conflict',
        `unit ${unit.id} would be caught once issued to ${o.person_id} by ${catching.map((c) => `${c.title} (${c.mandate})`).join(', ')}: choose another model, or an officer overrides with a reason`,
        catching.map((c) => ({
          where: 'mandate',
          value: c.mandate,
          code: 'would_be_caught',
          params: { mandate: c.title, unit: unit.id, owner: o.person_id },
          message: `${c.title} would open a finding for ${unit.id} (owner ${o.person_id})`,
        })),
      );
    if (!hasPermission(actor, 'mandates.override'))
      throw new AppError(
        'forbidden',
        'only an officer can override a mandate that would catch the unit',
      );
    await move(tx, o, { override_reason: reason, override_by: actor.email });
    o.override_reason = reason;
    o.override_by = actor.email;
    await recordAudit(tx, now, {
      actor: auditActor(actor),
      action: 'replacement.override',
      object: `replacement/${o.id}`,
      change: { unit: unit.id, mandates: catching.map((c) => c.mandate), reason },
    });
    return issued;
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
    const reserved = (await getDevicesByIds(tx, [unit.device_id])).get(unit.device_id);
    if (reserved) await checkCompliant(tx, actor, o, reserved, opts, now);
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
        { where: 'reason', code: 'required', message: 'is required' },
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
    // Issued for the catalogue item's purposes; refused if a mandate in force would catch it.
    const issued = await checkCompliant(tx, actor, o, fields, opts, now);
    const changes: { before: StoredDevice; next: Device }[] = [{ before: unit, next: issued }];
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
    const own = old ? refuseTaking(old) : null;
    if (own)
      throw new AppError('conflict', `the old device ${o.old_device_id} ${own}`, [
        { where: 'swap', value: o.old_device_id, code: 'personal_device', message: own },
      ]);
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
    const old = (await getDevicesByIds(tx, [o.old_device_id])).get(o.old_device_id);
    // A personal device stays with its owner: that is the reason, and the order says so.
    const personal = old !== undefined && refuseTaking(old) !== null;
    const reason = opts.reason?.trim() || null;
    if (reason === null && !personal)
      throw invalidInput('closing without the old device needs a reason', [
        { where: 'reason', code: 'required', message: 'is required' },
      ]);
    // A personal device stays with its owner: the order closes without it, with the reason.
    if (old && old.owner === o.person_id && old.status === 'active' && !refuseTaking(old))
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

  return {
    visibleOrder,
    write,
    approveIn,
    endIn,
    issueIn,
    returnIn,
    writeoffIn,
    refuse,
    move,
    event,
    STEPS: { approve: approveIn, issue: issueIn, return: returnIn } as const,
  };
}
