import type { Clock } from '../adapters/clock.js';
import { canSeeDevice, visibilityOf, type Actor } from '../domain/access.policy.js';
import { writeCsv } from '../adapters/csv-write.js';
import { AppError } from '../domain/errors.js';
import { resolvePhaseOf } from '../domain/mandate.model.js';
import {
  LIVE_STATES,
  ORDER_STATES,
  describeWarning,
  judgeShortage,
  type OrderState,
  type ShortageLine,
} from '../domain/replacement.rules.js';
import { formatInstant } from '../domain/time.js';
import { resolveDeadlineOf } from '../domain/status.rules.js';
import { unitPathAncestry } from '../domain/unit-path.js';
import type { Store } from '../store/database.js';
import { getDevicesByIds } from '../store/devices.repository.js';
import { getPeopleByIds } from '../store/people.repository.js';
import {
  countCaught,
  countReturned,
  countLiveOrders,
  countOrdersByUnit,
  listCustody,
  listOrders,
} from '../store/replacement.repository.js';
import { getTimeZone } from './settings.service.js';
import { catalogueOf, type CatalogueItemView } from './catalogue.service.js';
import { replaceMandates } from './replacement.common.js';
import type { OrderView } from './replacement.views.js';

/** Reports on replacements: order lists and counts by unit as CSV, custody, the shortage forecast. */
export function makeReplacementReports(deps: { store: Store; clock: Clock }) {
  const { store, clock } = deps;
  return {
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
      return writeCsv(
        cols,
        orders.map((o) => cols.map((c) => o[c])),
        '\r\n',
      );
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
      return writeCsv(
        ['unit', ...ORDER_STATES, 'total'],
        rows.map((r) => [r.unit, ...ORDER_STATES.map((s) => r.counts[s]), r.total]),
        '\r\n',
      );
    },

    /** A device's chain of custody, oldest first. */
    async custody(actor: Actor, deviceId: string) {
      const d = (await getDevicesByIds(store.db, [deviceId])).get(deviceId);
      const owner = d?.owner ? (await getPeopleByIds(store.db, [d.owner])).get(d.owner) : undefined;
      if (!d || !canSeeDevice(visibilityOf(actor), owner ?? null, d.unit))
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
      const items = await catalogueOf(db);
      const awaiting = await countLiveOrders(db, ['requested']);
      const lines = [];
      for (const m of await replaceMandates(db)) {
        const offered = m.doc.spec.replacement?.catalogue ?? [];
        const due = resolvePhaseOf(m.doc)?.due ?? null;
        const line = judgeShortage({
          mandate: m.id,
          due,
          dueEnd: resolveDeadlineOf(m.doc, zone).dueEnd,
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
