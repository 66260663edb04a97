import { breaksHold, heldByWorkflow } from './device-hold.js';
import { custodianAfter } from '../domain/custody.rules.js';
import { ensureUnits } from '../store/units.repository.js';
import type { Clock } from '../adapters/clock.js';
import {
  auditActor,
  canSeeDevice,
  canSeePerson,
  hasPermission,
  visibilityOf,
  type Actor,
} from '../domain/access.policy.js';
import { deviceWrite, personWrite } from '../contract/records.js';
import { blankDevice, type Device } from '../domain/device.model.js';
import { AppError, invalidInput, problemsOf } from '../domain/errors.js';
import { blankPerson, type Person } from '../domain/person.model.js';
import type { Store } from '../store/database.js';
import {
  deviceToRow,
  getDevicesByIds,
  insertDevices,
  updateDevice,
} from '../store/devices.repository.js';
import { getPeopleByIds } from '../store/people.repository.js';
import type { Db } from '../store/schema.js';
import { writeTransaction } from '../store/transaction.js';
import { insertStatement } from '../store/statements.repository.js';
import { recordAudit } from './audit.service.js';
import { storePerson } from './person.write.js';
import { etagOf, type DeviceView, type PersonView } from './directory.service.js';
import { loadActiveMandates, reevaluateDevices } from './evaluation.service.js';
import { advanceObservationClock, checkObservationTime, getTimeZone } from './settings.service.js';

/** The statement that a device is no longer used for official business. */
export const NO_OFFICIAL_USE = 'no-official-use';

type Mode = 'create' | 'replace' | 'patch';

/** Creating and changing people and devices through the API: each write takes effect now. */
export function makeRecordService(deps: { store: Store; clock: Clock }) {
  const { store, clock } = deps;

  function checkEtag(mode: Mode, ifMatch: string | undefined, current: object, what: string): void {
    if (mode === 'create') return;
    if (!ifMatch)
      throw new AppError('precondition_required', `updating ${what} needs If-Match with its ETag`);
    if (ifMatch !== etagOf(current))
      throw new AppError('precondition_failed', `${what} changed since you read it; read it again`);
  }

  async function afterWrite(tx: Db, at: number, deviceIds: string[]): Promise<void> {
    await advanceObservationClock(tx, at);
    await reevaluateDevices(tx, deviceIds, at, await loadActiveMandates(tx, await getTimeZone(tx)));
  }

  return {
    /**
     * An official states that their device is no longer used for official business: `official`
     * leaves its purposes now (restrict-use findings close as device_changed) and the statement is kept.
     */
    async stateNoOfficialUse(actor: Actor, id: string, note?: string): Promise<DeviceView> {
      return writeTransaction(store, async (tx) => {
        const d = (await getDevicesByIds(tx, [id])).get(id);
        const owner = d?.owner
          ? ((await getPeopleByIds(tx, [d.owner])).get(d.owner) ?? null)
          : null;
        if (!d || !canSeeDevice(visibilityOf(actor), owner, d.unit))
          throw new AppError('not_found', `no device ${id}`);
        if (!owner || actor.personId !== owner.id)
          throw new AppError('forbidden', 'only the device’s owner can state how they use it');
        if (!d.purposes.includes('official'))
          throw new AppError(
            'conflict',
            `device ${id} is not recorded as used for official business`,
          );
        const now = clock.now();
        await checkObservationTime(tx, now, now, 'the statement');
        const { createdAt, changedAt: _ch, ...current } = d;
        const next: Device = {
          ...current,
          purposes: current.purposes.filter((p) => p !== 'official'),
        };
        await updateDevice(tx, deviceToRow(next, { created: createdAt, changed: now, seen: now }));
        await insertStatement(tx, {
          device_id: id,
          person_id: owner.id,
          kind: NO_OFFICIAL_USE,
          note: note ?? null,
          stated_at: now,
        });
        await afterWrite(tx, now, [id]);
        await recordAudit(tx, now, {
          actor: auditActor(actor),
          action: 'device.no-official-use',
          object: `device/${id}`,
          change: { by: owner.id, note: note ?? null },
        });
        return { ...next, changedAt: new Date(now).toISOString(), etag: etagOf(next) };
      });
    },

    /** Creates (`create`), replaces (`replace`) or changes some fields of (`patch`) a device. */
    async writeDevice(
      actor: Actor,
      mode: Mode,
      id: string,
      body: unknown,
      ifMatch?: string,
    ): Promise<DeviceView> {
      if (!hasPermission(actor, 'records.write'))
        throw new AppError(
          'forbidden',
          'changing devices needs the admin, officer or logistics role',
        );
      const schema = deviceWrite(mode);
      const parsed = schema.safeParse(body);
      if (!parsed.success) throw invalidInput('the device is refused', problemsOf(parsed.error));
      return writeTransaction(store, async (tx) => {
        const v = visibilityOf(actor);
        const before = (await getDevicesByIds(tx, [id])).get(id);
        const beforeOwner = before?.owner
          ? ((await getPeopleByIds(tx, [before.owner])).get(before.owner) ?? null)
          : null;
        if (mode === 'create' && before)
          throw new AppError('conflict', `device ${id} exists already`);
        if (mode !== 'create' && (!before || !canSeeDevice(v, beforeOwner, before.unit)))
          throw new AppError('not_found', `no device ${id}`);
        const {
          createdAt: _c,
          changedAt: _ch,
          ...current
        } = before ?? ({} as NonNullable<typeof before>);
        checkEtag(mode, ifMatch, current, `device ${id}`);
        const { holdOverride, ...f } = parsed.data;
        const base: Device = mode === 'patch' ? current : blankDevice(id);
        const next = { ...base, ...f, id } as Device;
        // What the replacement workflow holds changes only through it, or by an admin saying why.
        const broken =
          before && (await heldByWorkflow(tx, [before])).has(id) ? breaksHold(before, next) : null;
        if (broken && !(holdOverride && hasPermission(actor, 'hold.override')))
          throw new AppError('conflict', `device ${id} ${broken}`, [
            {
              where: next.status !== before!.status ? 'status' : 'owner',
              code: 'held_by_workflow',
              message: `${broken}; an admin may change it with a reason (holdOverride)`,
            },
          ]);
        if (next.owner) {
          const owner = (await getPeopleByIds(tx, [next.owner])).get(next.owner);
          if (!owner || !canSeePerson(v, owner))
            throw invalidInput('the device is refused', [
              {
                where: 'owner',
                value: next.owner,
                code: 'unknown_person',
                message: 'is not a known person id',
              },
            ]);
        }
        // Custody (DESIGN §5a): a unit named here is taken; otherwise a new owner ends it, and
        // clearing the owner of an active device that is not personal passes it to their unit.
        const lastOwner =
          before?.owner && next.owner === null
            ? (await getPeopleByIds(tx, [before.owner])).get(before.owner)
            : undefined;
        next.unit = custodianAfter(before, next, {
          namesUnit: f.unit !== undefined,
          lastOwnerUnit: lastOwner?.unit ?? null,
        });
        const now = clock.now();
        await checkObservationTime(tx, now, now, 'the write');
        if (f.unit) await ensureUnits(tx, [f.unit], now);
        const row = deviceToRow(next, {
          created: before?.createdAt ?? now,
          changed: now,
          seen: now,
        });
        if (before) await updateDevice(tx, row);
        else await insertDevices(tx, [row]);
        await afterWrite(tx, now, [id]);
        await recordAudit(tx, now, {
          actor: auditActor(actor),
          action: before ? 'device.update' : 'device.create',
          object: `device/${id}`,
          change: broken ? { ...next, holdOverride } : next,
        });
        return { ...next, changedAt: new Date(now).toISOString(), etag: etagOf(next) };
      });
    },

    /** Creates, replaces or patches a person. */
    async writePerson(
      actor: Actor,
      mode: Mode,
      id: string,
      body: unknown,
      ifMatch?: string,
    ): Promise<PersonView> {
      if (!hasPermission(actor, 'records.write'))
        throw new AppError(
          'forbidden',
          'changing people needs the admin, officer or logistics role',
        );
      const schema = personWrite(mode);
      const parsed = schema.safeParse(body);
      if (!parsed.success) throw invalidInput('the person is refused', problemsOf(parsed.error));
      return writeTransaction(store, async (tx) => {
        const v = visibilityOf(actor);
        const before = (await getPeopleByIds(tx, [id])).get(id);
        if (mode === 'create' && before)
          throw new AppError('conflict', `person ${id} exists already`);
        if (mode !== 'create' && (!before || !canSeePerson(v, before)))
          throw new AppError('not_found', `no person ${id}`);
        const {
          createdAt: _c,
          changedAt: _ch,
          ...current
        } = before ?? ({} as NonNullable<typeof before>);
        checkEtag(mode, ifMatch, current, `person ${id}`);
        const base: Person = mode === 'patch' ? current : blankPerson(id);
        const next = { ...base, ...parsed.data, id };
        const now = clock.now();
        await storePerson(tx, before, next, now, {
          actor: auditActor(actor),
          action: before ? 'person.update' : 'person.create',
        });
        return { ...next, changedAt: new Date(now).toISOString(), etag: etagOf(next) };
      });
    },
  };
}
