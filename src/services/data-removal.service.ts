import type { Clock } from '../adapters/clock.js';
import type { DataRemoval } from '../contract/removals.js';
import {
  auditActor,
  canSeeDevice,
  visibilityOf,
  type Actor,
  type Visibility,
} from '../domain/access.policy.js';
import { AppError } from '../domain/errors.js';
import { pageOf, type ListPage, type PageRequest } from '../domain/list.page.js';
import type { DATA_REMOVAL_SORTS } from '../domain/list.sorts.js';
import { formatInstant } from '../domain/time.js';
import {
  getDataRemoval,
  insertDataRemoval,
  listDataRemovals,
  verifyDataRemoval,
  type DataRemovalRow,
} from '../store/data-removals.repository.js';
import type { Store } from '../store/database.js';
import { getDevicesByIds } from '../store/devices.repository.js';
import { getPeopleByIds } from '../store/people.repository.js';
import type { Db } from '../store/schema.js';
import { writeTransaction } from '../store/transaction.js';
import { recordAudit } from './audit.service.js';
import { namesOf } from './record.names.js';

/**
 * Removals of the organisation's data from personal devices (DESIGN §5a): the personal path,
 * beside the official's statement that a device is no longer used for official business.
 */
export function makeDataRemovalService(deps: { store: Store; clock: Clock }) {
  const { store, clock } = deps;

  async function views(db: Db, rows: DataRemovalRow[]): Promise<DataRemoval[]> {
    const names = await namesOf(db, {
      devices: rows.map((r) => r.device_id),
      people: rows.flatMap((r) => (r.person_id ? [r.person_id] : [])),
    });
    return rows.map((r) => ({
      id: r.id,
      device: r.device_id,
      deviceName: names.device(r.device_id),
      person: r.person_id,
      personName: names.person(r.person_id),
      method: r.method,
      performedOn: r.performed_on,
      note: r.note,
      recordedBy: r.recorded_by,
      recordedAt: formatInstant(r.recorded_at),
      verifiedBy: r.verified_by,
      verifiedAt: r.verified_at === null ? null : formatInstant(r.verified_at),
      state: r.verified_at === null ? 'recorded' : 'verified',
    }));
  }

  /** The removals the reader may see: through the device's owner when it was recorded. */
  async function visible(db: Db, v: Visibility, rows: DataRemovalRow[]) {
    if (v.all) return rows;
    const people = await getPeopleByIds(
      db,
      rows.flatMap((r) => (r.person_id ? [r.person_id] : [])),
    );
    return rows.filter((r) =>
      canSeeDevice(v, r.person_id ? (people.get(r.person_id) ?? null) : null),
    );
  }

  async function one(db: Db, actor: Actor, id: number): Promise<DataRemovalRow> {
    const r = await getDataRemoval(db, id);
    if (!r || (await visible(db, visibilityOf(actor), [r])).length === 0)
      throw new AppError('not_found', `no data removal ${id}`);
    return r;
  }

  return {
    /** Records a removal from a personal device; a corporate one is handed in and sanitised. */
    async record(
      actor: Actor,
      deviceId: string,
      body: { method: string; performedOn: string; note?: string | undefined },
    ): Promise<DataRemoval> {
      return writeTransaction(store, async (tx) => {
        const d = (await getDevicesByIds(tx, [deviceId])).get(deviceId);
        const owner = d?.owner ? (await getPeopleByIds(tx, [d.owner])).get(d.owner) : undefined;
        if (!d || !canSeeDevice(visibilityOf(actor), owner ?? null, d.unit))
          throw new AppError('not_found', `no device ${deviceId}`);
        if (d.ownership !== 'personal')
          throw new AppError(
            'conflict',
            `device ${deviceId} is not recorded as personal: the organisation's own device is handed in and sanitised instead`,
            [
              {
                where: 'ownership',
                value: d.ownership ?? '',
                code: 'not_personal',
                message: 'is not personal',
              },
            ],
          );
        const now = clock.now();
        const id = await insertDataRemoval(tx, {
          device_id: deviceId,
          person_id: d.owner,
          method: body.method,
          performed_on: body.performedOn,
          note: body.note ?? null,
          recorded_by: actor.email,
          recorded_at: now,
          verified_by: null,
          verified_at: null,
        });
        await recordAudit(tx, now, {
          actor: auditActor(actor),
          action: 'data-removal.record',
          object: `device/${deviceId}`,
          change: { id, method: body.method, performedOn: body.performedOn, person: d.owner },
        });
        return (await views(tx, [(await getDataRemoval(tx, id))!]))[0]!;
      });
    },

    /** Verifies a removal: someone other than who recorded it. */
    async verify(actor: Actor, id: number): Promise<DataRemoval> {
      return writeTransaction(store, async (tx) => {
        const r = await one(tx, actor, id);
        if (r.recorded_by === actor.email)
          throw new AppError(
            'forbidden',
            'a removal is verified by someone other than who recorded it',
          );
        const now = clock.now();
        if (!(await verifyDataRemoval(tx, id, actor.email, now)))
          throw new AppError('conflict', `data removal ${id} is verified already`);
        await recordAudit(tx, now, {
          actor: auditActor(actor),
          action: 'data-removal.verify',
          object: `device/${r.device_id}`,
          change: { id },
        });
        return (await views(tx, [(await getDataRemoval(tx, id))!]))[0]!;
      });
    },

    /** The register within the reader's scope: one device's, or all, a page at a time. */
    async page(
      actor: Actor,
      ask: { device?: string | undefined } & PageRequest<(typeof DATA_REMOVAL_SORTS)[number]>,
      all = false,
    ): Promise<ListPage<DataRemoval>> {
      const rows = await visible(
        store.db,
        visibilityOf(actor),
        await listDataRemovals(store.db, ask.device),
      );
      const list = await views(store.db, rows);
      return pageOf(list, ask, {
        sort: '-recorded',
        limit: all ? list.length || 1 : 100,
        value: (r, k) =>
          k === 'recorded'
            ? r.recordedAt
            : k === 'device'
              ? (r.deviceName ?? r.device)
              : k === 'person'
                ? (r.personName ?? r.person)
                : r.state,
      });
    },
  };
}
