import type { OrderRow as OrderListRow } from '../contract/logistics.js';
import type { ListPage, PageRequest } from '../domain/list.page.js';
import type { ORDER_SORTS } from '../domain/list.sorts.js';
import { deviceNameOf } from './record.names.js';
import type { Clock } from '../adapters/clock.js';
import { parseCsv } from '../adapters/csv.js';
import { canSeeDevice, hasPermission, visibilityOf, type Actor } from '../domain/access.policy.js';
import { AppError, invalidInput, type Problem } from '../domain/errors.js';
import {
  LIVE_STATES,
  ORDER_STATES,
  nextState,
  type OrderState,
} from '../domain/replacement.rules.js';
import { formatInstant } from '../domain/time.js';
import type { Store } from '../store/database.js';
import { getDevicesByIds } from '../store/devices.repository.js';
import { getOpenFindings } from '../store/findings.repository.js';
import { getPeopleByIds } from '../store/people.repository.js';
import {
  getOrder,
  insertOrder,
  listOrderEvents,
  listOrders,
  pageOrders,
  liveOrdersOfDevices,
  type OrderFilter,
  type OrderRow,
} from '../store/replacement.repository.js';
import { getCatalogueItems } from '../store/stock.repository.js';
import type { Db } from '../store/schema.js';
import { Rollback } from '../store/transaction.js';
import { checkObservationTime } from './settings.service.js';
import { makeCatalogueService } from './catalogue.service.js';
import { need, replaceMandates } from './replacement.common.js';
import { makeReplacementReports } from './replacement.reports.js';
import { makeOrderSteps } from './replacement.steps.js';
import {
  viewOf,
  type HandoverEffect,
  type OrderView,
  type StepOptions,
} from './replacement.views.js';

export type { HandoverEffect, OrderView, StepOptions } from './replacement.views.js';

/** Replacement orders through their steps; with the catalogue, stock and reports composed in. */
/** Refuses order states that do not exist, every one named. */
function checkStates(states: string[] | undefined): void {
  const unknown = (states ?? []).filter((s) => !(ORDER_STATES as readonly string[]).includes(s));
  if (unknown.length > 0)
    throw invalidInput(
      'unknown state',
      unknown.map((s) => ({
        where: 'state',
        value: s,
        code: 'not_one_of',
        params: { values: ORDER_STATES.join(', ') },
        message: `must be one of ${ORDER_STATES.join(', ')}`,
      })),
    );
}

export function makeReplacementService(deps: { store: Store; clock: Clock }) {
  const { store, clock } = deps;
  const steps = makeOrderSteps(deps);
  type BulkStep = keyof typeof steps.STEPS;

  /** One step on one order, in its own transaction, effective now. */
  async function single<R>(
    actor: Actor,
    id: number,
    run: (tx: Db, o: OrderRow, now: number) => Promise<R>,
  ): Promise<OrderView & R> {
    return steps.write(async (tx) => {
      const o = await steps.visibleOrder(tx, actor, id);
      const now = clock.now();
      await checkObservationTime(tx, now, now, 'the handover');
      const r = await run(tx, o, now);
      return { ...viewOf((await getOrder(tx, id))!), ...r };
    });
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
        ...unknown.map((h): Problem => ({
          where: 'header',
          value: h,
          code: 'unknown_column',
          params: { known: 'order, device, place' },
          message: 'is not a known column',
        })),
        ...(o < 0 && d < 0
          ? [
              {
                where: 'header',
                code: 'order_or_device' as const,
                message: 'has neither order nor device',
              },
            ]
          : []),
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
    ...makeCatalogueService(deps),
    ...makeReplacementReports(deps),
    /** An official asks for one of the offered models for a device a `replace` mandate caught. */
    async request(
      actor: Actor,
      r: { device: string; item: string; mandate?: string; note?: string },
    ): Promise<OrderView> {
      need(
        actor,
        'replacements.request',
        'requesting replacements needs an account that may write',
      );
      return steps.write(async (tx) => {
        const v = visibilityOf(actor);
        const d = (await getDevicesByIds(tx, [r.device])).get(r.device);
        const owner = d?.owner ? (await getPeopleByIds(tx, [d.owner])).get(d.owner) : undefined;
        if (!d || !canSeeDevice(v, owner ?? null, d.unit))
          throw new AppError('not_found', `no device ${r.device}`);
        if (!owner)
          throw new AppError(
            'unprocessable',
            `device ${r.device} has no owner: no mandate catches it`,
          );
        if (!hasPermission(actor, 'act-for-others') && actor.personId !== owner.id)
          throw new AppError('forbidden', 'you may request replacements only for your own devices');
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
              code: 'item_not_offered',
              params: { offered: offered.join(', ') || '—' },
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
          override_reason: null,
          override_by: null,
        });
        await steps.event(tx, actor, id, 'request', now, null, r.note?.trim() || null, r);
        return viewOf((await getOrder(tx, id))!);
      });
    },

    approve: (actor: Actor, id: number, opts: StepOptions = {}) =>
      single(actor, id, (tx, o, now) => steps.approveIn(tx, actor, o, opts, now)),
    reject: (actor: Actor, id: number, opts: StepOptions = {}) =>
      single(actor, id, (tx, o, now) => steps.endIn(tx, actor, o, 'reject', opts, now)),
    cancel: (actor: Actor, id: number, opts: StepOptions = {}) =>
      single(actor, id, (tx, o, now) => steps.endIn(tx, actor, o, 'cancel', opts, now)),
    issue: (actor: Actor, id: number, opts: StepOptions = {}) =>
      single(actor, id, async (tx, o, now) => ({
        effect: await steps.issueIn(tx, actor, o, opts, now),
      })),
    writeoff: (actor: Actor, id: number, opts: StepOptions = {}) =>
      single(actor, id, (tx, o, now) => steps.writeoffIn(tx, actor, o, opts, now)),
    receiveReturn: (actor: Actor, id: number, opts: StepOptions = {}) =>
      single(actor, id, async (tx, o, now) => ({
        effect: await steps.returnIn(tx, actor, o, opts, now),
      })),

    /** What issuing would do to compliance, without doing it: findings that would open or close. */
    async preview(actor: Actor, id: number, opts: StepOptions = {}): Promise<HandoverEffect> {
      return steps.write(async (tx) => {
        const o = await steps.visibleOrder(tx, actor, id);
        const now = clock.now();
        const effect = await steps.issueIn(tx, actor, o, opts, now);
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
        steps.refuse('confirm', o);
        const state = nextState('confirm', { state: o.state as OrderState, confirmed: false });
        await steps.move(tx, o, {
          state,
          confirmed_at: now,
          ...(state === 'closed' ? { closed_at: now } : {}),
        });
        await steps.event(tx, actor, o.id, 'confirm', now, null, null, {
          confirmed: o.new_device_id,
        });
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
          {
            where: 'orders/devices/csv',
            code: 'no_order_named',
            message: 'name at least one order',
          },
        ]);
      return steps.write(async (tx) => {
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
            const o = await steps.visibleOrder(tx, actor, id);
            await steps.STEPS[step](
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
              code: 'step_refused',
              params: { detail: err.message },
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
      const o = await steps.visibleOrder(store.db, actor, id);
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
      checkStates(f.state);
      return (await listOrders(store.db, { ...f, visibility: visibilityOf(actor) }, limit)).map(
        viewOf,
      );
    },

    /** A page of the orders the actor may see, sorted, with names (newest first by default). */
    async page(
      actor: Actor,
      f: Omit<OrderFilter, 'visibility'> & PageRequest<(typeof ORDER_SORTS)[number]>,
    ): Promise<ListPage<OrderListRow>> {
      const { sort = '-requested', offset = 0, limit = 100, ...filter } = f;
      checkStates(filter.state);
      const { rows, total } = await pageOrders(
        store.db,
        { ...filter, visibility: visibilityOf(actor) },
        { sort, offset, limit },
      );
      return {
        items: rows.map((r) => ({
          ...viewOf(r),
          personName: r.person_name ?? null,
          deviceName: deviceNameOf({ manufacturer: r.device_maker, model: r.device_model }),
          deviceOwnership: (r.device_ownership as OrderListRow['deviceOwnership']) ?? null,
          itemName: deviceNameOf({ manufacturer: r.item_maker, model: r.item_model }),
        })),
        total,
        offset,
        limit,
      };
    },
  };
}
