import type { Language } from '../domain/texts/languages.js';
import { pageOf, type ListPage, type PageRequest } from '../domain/list.page.js';
import type { SANITISATION_SORTS } from '../domain/list.sorts.js';
import { randomUUID } from 'node:crypto';
import type { Clock } from '../adapters/clock.js';
import { SanitisationRecord, type Sanitisation } from '../contract/logistics.js';
import { auditActor, hasPermission, visibilityOf, type Actor } from '../domain/access.policy.js';
import { AppError, invalidInput, problemsOf, type Problem } from '../domain/errors.js';
import {
  certificateNumber,
  nextState,
  refuseSanitisation,
  statusAfter,
  usualDestination,
  USUAL_TECHNIQUE,
  type Destination,
  type SanitisationMethod,
} from '../domain/replacement.rules.js';
import { dayOf, formatInstant } from '../domain/time.js';
import type { Store } from '../store/database.js';
import { listCustody } from '../store/replacement.repository.js';
import { getDevicesByIds, setDeviceStatus } from '../store/devices.repository.js';
import { getPeopleByIds } from '../store/people.repository.js';
import {
  insertCustody,
  insertOrderEvent,
  liveOrdersOfDevices,
  updateOrder,
} from '../store/replacement.repository.js';
import {
  devicesAwaitingVerification,
  getSanitisation,
  getSanitisationByCertificate,
  insertSanitisation,
  listSanitisations,
  markVerified,
  sanitisedDevices,
  setCertificateNumber,
  type SanitisationRow,
} from '../store/sanitisation.repository.js';
import type { Db } from '../store/schema.js';
import { writeTransaction } from '../store/transaction.js';
import { recordAudit } from './audit.service.js';
import { advanceObservationClock, checkObservationTime, getTimeZone } from './settings.service.js';

export type SanitisationView = Sanitisation;

/** The media type of a device, as Appendix G asks for it: `flash` (embedded), `disk`, `other`. */
function mediaTypeOf(cls: string): string {
  if (['smartphone', 'tablet', 'feature_phone'].includes(cls)) return 'flash';
  if (['laptop', 'desktop'].includes(cls)) return 'disk';
  return 'other';
}

/** How the certificate names a device: what it is, so that the record stands on its own. */
function describe(d: {
  class: string;
  manufacturer: string | null;
  model: string | null;
  serial: string | null;
  imei: string | null;
}): string {
  return [
    [d.manufacturer, d.model].filter(Boolean).join(' ') || d.class,
    d.serial ? `S/N ${d.serial}` : null,
    d.imei ? `IMEI ${d.imei}` : null,
  ]
    .filter(Boolean)
    .join(', ');
}

/**
 * Sanitisation per NIST SP 800-88: an operator records what was done to one device or a batch;
 * someone else verifies it, and only then do the devices become `wiped` or `destroyed`.
 */
export function makeSanitisationService(deps: { store: Store; clock: Clock }) {
  const { store, clock } = deps;

  /** Appendix G "source": who held the device before it came back (name and id), if anyone. */
  async function previousOwner(db: Db, deviceId: string): Promise<string | null> {
    const handback = (await listCustody(db, deviceId))
      .filter((c) => c.kind === 'return' && c.from_party.startsWith('person:'))
      .at(-1);
    const id = handback?.from_party.slice('person:'.length);
    if (!id) return null;
    const p = (await getPeopleByIds(db, [id])).get(id);
    return p ? `${p.name} (${id})` : id;
  }

  async function nameOf(db: Db, actor: Actor): Promise<string> {
    if (!actor.personId) return actor.email;
    return (await getPeopleByIds(db, [actor.personId])).get(actor.personId)?.name ?? actor.email;
  }

  async function viewOf(db: Db, r: SanitisationRow): Promise<SanitisationView> {
    const devices = await sanitisedDevices(db, r.id);
    return {
      id: r.id,
      certificate: r.certificate,
      method: r.method as SanitisationMethod,
      tool: r.tool,
      performedOn: r.performed_on,
      place: r.place,
      notes: r.notes,
      operator: r.operator,
      operatorName: r.operator_name,
      recordedAt: formatInstant(r.recorded_at),
      verifier: r.verifier,
      verifierName: r.verifier_name,
      verifiedAt: r.verified_at === null ? null : formatInstant(r.verified_at),
      state: r.state,
      technique: r.technique ?? USUAL_TECHNIQUE[r.method as SanitisationMethod],
      verification: r.verification ?? 'full',
      destination: (r.destination ??
        usualDestination(r.method as SanitisationMethod)) as Destination,
      operatorRole: r.operator_role ?? 'logistics',
      verifierRole: r.verifier_role,
      devices: devices.map((d) => ({
        id: d.device_id,
        description: d.description,
        mediaType: d.media_type ?? 'other',
        source: d.source ?? '',
      })),
    };
  }

  function seeAll(actor: Actor): void {
    if (!visibilityOf(actor).all)
      throw new AppError(
        'forbidden',
        'sanitisation records are seen by logistics, officers and auditors',
      );
  }

  async function visible(db: Db, actor: Actor, id: number): Promise<SanitisationRow> {
    seeAll(actor);
    const r = await getSanitisation(db, id);
    if (!r) throw new AppError('not_found', `no sanitisation record ${id}`);
    return r;
  }

  async function get(actor: Actor, id: number): Promise<SanitisationView> {
    return viewOf(store.db, await visible(store.db, actor, id));
  }

  return {
    /** The operator records a sanitisation of one device or a batch; it awaits a verifier. */
    async record(actor: Actor, body: unknown): Promise<SanitisationView> {
      if (!hasPermission(actor, 'logistics'))
        throw new AppError('forbidden', 'recording sanitisation needs the logistics role');
      const parsed = SanitisationRecord.safeParse(body);
      if (!parsed.success)
        throw invalidInput('the sanitisation record is refused', problemsOf(parsed.error));
      const r = parsed.data;
      return writeTransaction(store, async (tx) => {
        const now = clock.now();
        const problems: Problem[] = [];
        if (r.performedOn > dayOf(now, await getTimeZone(tx)))
          problems.push({
            where: 'performedOn',
            value: r.performedOn,
            code: 'in_the_future',
            params: { now: '' },
            message: 'is in the future',
          });
        if (r.certificate && (await getSanitisationByCertificate(tx, r.certificate)))
          problems.push({
            where: 'certificate',
            value: r.certificate,
            code: 'used_by_another',
            message: 'is used by another record',
          });
        const devices = await getDevicesByIds(tx, r.devices);
        const pending = await devicesAwaitingVerification(tx, r.devices);
        const seen = new Set<string>();
        r.devices.forEach((id, i) => {
          const where = `devices[${i}]`;
          const d = devices.get(id);
          if (seen.has(id))
            problems.push({ where, value: id, code: 'listed_twice', message: 'is listed twice' });
          seen.add(id);
          if (!d)
            return problems.push({
              where,
              value: id,
              code: 'unknown_device',
              message: 'is not a known device',
            });
          const why = refuseSanitisation(d, r.method);
          if (why)
            problems.push({
              where,
              value: id,
              code: 'cannot_sanitise',
              params: { detail: why },
              message: why,
            });
          else if (pending.has(id))
            problems.push({
              where,
              value: id,
              code: 'awaits_verification',
              message: 'is in a record that awaits verification',
            });
        });
        if (problems.length > 0) throw invalidInput('the sanitisation record is refused', problems);
        const id = await insertSanitisation(
          tx,
          {
            // Numbered from its id just below when none was given.
            certificate: r.certificate ?? `pending-${randomUUID()}`,
            method: r.method,
            tool: r.tool,
            performed_on: r.performedOn,
            place: r.place ?? null,
            notes: r.notes || null,
            operator: actor.email,
            operator_name: await nameOf(tx, actor),
            recorded_at: now,
            verifier: null,
            verifier_name: null,
            verified_at: null,
            state: 'recorded',
            technique: r.technique ?? USUAL_TECHNIQUE[r.method],
            verification: r.verification ?? 'full',
            destination: r.destination ?? usualDestination(r.method),
            operator_role: [...actor.roles].join(', '),
            verifier_role: null,
          },
          await Promise.all(
            r.devices.map(async (d) => ({
              device_id: d,
              description: describe(devices.get(d)!),
              media_type: mediaTypeOf(devices.get(d)!.class),
              source: await previousOwner(tx, d),
            })),
          ),
        );
        if (!r.certificate)
          await setCertificateNumber(tx, id, certificateNumber(id, r.performedOn));
        await recordAudit(tx, now, {
          actor: auditActor(actor),
          action: 'sanitisation.record',
          object: `sanitisation/${id}`,
          change: r,
        });
        return viewOf(tx, (await getSanitisation(tx, id))!);
      });
    },

    /**
     * Someone other than the operator verifies the record: its devices become `wiped` or
     * `destroyed`, and the orders that returned them move on (closed once receipt is confirmed).
     */
    async verify(actor: Actor, id: number): Promise<SanitisationView> {
      if (!hasPermission(actor, 'sanitisation.verify'))
        throw new AppError(
          'forbidden',
          'verifying sanitisation needs the logistics or officer role',
        );
      return writeTransaction(store, async (tx) => {
        const s = await visible(tx, actor, id);
        if (s.operator === actor.email)
          throw new AppError('forbidden', 'the operator cannot verify their own sanitisation');
        if (s.state !== 'recorded')
          throw new AppError('conflict', `sanitisation ${id} is verified already`);
        const now = clock.now();
        await checkObservationTime(tx, now, now, 'the verification');
        const method = s.method as SanitisationMethod;
        const ids = (await sanitisedDevices(tx, id)).map((d) => d.device_id);
        const devices = await getDevicesByIds(tx, ids);
        const problems: Problem[] = [];
        for (const d of ids) {
          const why = refuseSanitisation(devices.get(d)!, method);
          if (why)
            problems.push({
              where: `device ${d}`,
              value: d,
              code: 'cannot_sanitise',
              params: { detail: why },
              message: `${why} since it was recorded`,
            });
        }
        if (problems.length > 0)
          throw new AppError('conflict', 'the record no longer holds', problems);
        if (
          !(await markVerified(tx, id, {
            verifier: actor.email,
            verifier_name: await nameOf(tx, actor),
            verifier_role: [...actor.roles].join(', '),
            verified_at: now,
          }))
        )
          throw new AppError('conflict', `sanitisation ${id} changed meanwhile`);
        await setDeviceStatus(tx, ids, statusAfter(method), now);
        await insertCustody(
          tx,
          ids.map((d) => ({
            device_id: d,
            kind: 'sanitise',
            from_party: 'logistics',
            to_party: method === 'destroy' ? 'destroyed' : 'logistics',
            place: s.place,
            at: now,
            recorded_by: actor.email,
            order_id: null,
            sanitisation_id: id,
          })),
        );
        await advanceObservationClock(tx, now);
        const orders = await liveOrdersOfDevices(tx, ids, ['returned']);
        for (const o of orders.values()) {
          const state = nextState('sanitise', {
            state: 'returned',
            confirmed: o.confirmed_at !== null,
          });
          await updateOrder(tx, o.id, 'returned', {
            state,
            sanitised_at: now,
            ...(state === 'closed' ? { closed_at: now } : {}),
          });
          await insertOrderEvent(tx, {
            order_id: o.id,
            step: 'sanitise',
            actor: actor.email,
            at: now,
            place: s.place,
            note: s.certificate,
          });
          await recordAudit(tx, now, {
            actor: auditActor(actor),
            action: 'replacement.sanitise',
            object: `replacement/${o.id}`,
            change: { sanitisation: id, certificate: s.certificate, state },
          });
        }
        await recordAudit(tx, now, {
          actor: auditActor(actor),
          action: 'sanitisation.verify',
          object: `sanitisation/${id}`,
          change: { certificate: s.certificate, devices: ids, status: statusAfter(method) },
        });
        return viewOf(tx, (await getSanitisation(tx, id))!);
      });
    },

    get: (actor: Actor, id: number) => get(actor, id),

    async list(
      actor: Actor,
      ask: PageRequest<(typeof SANITISATION_SORTS)[number]> = {},
    ): Promise<ListPage<SanitisationView>> {
      seeAll(actor);
      const page = pageOf(await listSanitisations(store.db), ask, {
        sort: '-performed',
        limit: 100,
        value: (r, c) =>
          c === 'performed' ? `${r.performed_on} ${String(r.id).padStart(12, '0')}` : r[c],
      });
      const items: SanitisationView[] = [];
      for (const r of page.items) items.push(await viewOf(store.db, r));
      return { ...page, items };
    },

    /** The certificate of a verified record, as PDF. */
    async certificate(
      actor: Actor,
      id: number,
      language: Language = 'en',
    ): Promise<{ certificate: string; pdf: Buffer }> {
      const s = await get(actor, id);
      if (s.state !== 'verified')
        throw new AppError(
          'conflict',
          `sanitisation ${id} awaits verification: no certificate yet`,
        );
      const { certificatePdf } = await import('../adapters/certificate.js');
      return { certificate: s.certificate, pdf: await certificatePdf(s, language) };
    },
  };
}
