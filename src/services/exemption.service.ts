import type { ExemptionRow as ExemptionListRow } from '../contract/exemptions.js';
import { pageOf, type ListPage, type PageRequest } from '../domain/list.page.js';
import type { EXEMPTION_SORTS } from '../domain/list.sorts.js';
import { actorNamesOf, namesOf } from './record.names.js';
import type { Clock } from '../adapters/clock.js';
import type { Exemption, ExemptionRequest, ExemptionState } from '../contract/exemptions.js';
import {
  auditActor,
  canSeePerson,
  hasPermission,
  visibilityOf,
  type Actor,
} from '../domain/access.policy.js';
import { AppError, invalidInput, type Problem } from '../domain/errors.js';
import { isInScope } from '../domain/scope.js';
import {
  addDuration,
  endOfDay,
  formatInstant,
  isDay,
  parseDuration,
  startOfDay,
} from '../domain/time.js';
import type { Store } from '../store/database.js';
import { getOpenFindings, hasOpenFindingOfOwner } from '../store/findings.repository.js';
import { getDevicesByIds } from '../store/devices.repository.js';
import {
  getExemption,
  insertExemption,
  listExemptions,
  updateExemption,
  type ExemptionRow,
} from '../store/exemptions.repository.js';
import { getMandate, getMandateVersion } from '../store/mandates.repository.js';
import { getPeopleByIds, type StoredPerson } from '../store/people.repository.js';
import type { Db } from '../store/schema.js';
import { writeTransaction } from '../store/transaction.js';
import { recordAudit } from './audit.service.js';
import { loadMandateVersion, type LoadedMandate } from './evaluation.service.js';
import { getTimeZone } from './settings.service.js';

export type { ExemptionRequest, ExemptionState };
/** An exemption as the API shows it. */
export type ExemptionView = Exemption;

function viewOf(r: ExemptionRow, now: number): ExemptionView {
  const state = r.state === 'approved' && now >= r.ends_at ? 'lapsed' : (r.state as ExemptionState);
  const t = (x: number | null): string | null => (x === null ? null : formatInstant(x));
  return {
    id: r.id,
    mandate: r.mandate_id,
    device: r.device_id,
    person: r.person_id,
    ground: r.ground,
    until: r.until_day,
    reason: r.reason,
    state,
    requestedBy: r.requested_by,
    requestedAt: formatInstant(r.requested_at),
    decidedBy: r.decided_by,
    approvedAt: t(r.approved_at),
    decidedAt: t(r.decided_at),
    revokedAt: t(r.revoked_at),
  };
}

/** What an exemption was at T: only decisions taken at or before T count. */
function stateAt(r: ExemptionRow, at: number): ExemptionState {
  if (r.revoked_at !== null && r.revoked_at <= at) return 'revoked';
  if (r.approved_at !== null && r.approved_at <= at) return at >= r.ends_at ? 'lapsed' : 'approved';
  if (r.state === 'rejected' && r.decided_at !== null && r.decided_at <= at) return 'rejected';
  return 'requested';
}

/**
 * The register of a mandate's exemptions as of T (for reports): those requested by then, in the
 * state they had then, oldest first.
 */
export async function exemptionRegisterAt(
  db: Db,
  mandateId: string,
  at: number,
): Promise<ExemptionView[]> {
  const rows = (await listExemptions(db, mandateId)).filter((r) => r.requested_at <= at);
  const name = await actorNamesOf(
    db,
    rows.flatMap((r) => [r.requested_by, r.decided_by]),
  );
  return rows
    .sort((a, b) => a.id - b.id)
    .map((r) => {
      const state = stateAt(r, at);
      const decided = r.decided_at !== null && r.decided_at <= at;
      return {
        ...viewOf(r, at),
        state,
        requestedBy: name(r.requested_by)!,
        decidedBy: decided ? name(r.decided_by) : null,
        decidedAt: decided ? formatInstant(r.decided_at!) : null,
        approvedAt:
          r.approved_at !== null && r.approved_at <= at ? formatInstant(r.approved_at) : null,
        revokedAt: r.revoked_at !== null && r.revoked_at <= at ? formatInstant(r.revoked_at) : null,
      };
    });
}

/** Exemptions as a workflow: request, approve or reject, revoke; they lapse at the end of `until`. */
export function makeExemptionService(deps: { store: Store; clock: Clock }) {
  const { store, clock } = deps;

  async function mandateOf(tx: Db, id: string): Promise<LoadedMandate> {
    const m = await getMandate(tx, id);
    if (!m) throw new AppError('not_found', `unknown mandate ${id}`);
    return loadMandateVersion(
      (await getMandateVersion(tx, id, m.current_version))!,
      await getTimeZone(tx),
    );
  }

  /** The exemption if the actor may see it: through the person or device it names. */
  async function visibleExemption(tx: Db, actor: Actor, id: number): Promise<ExemptionRow> {
    const e = await getExemption(tx, id);
    if (!e) throw new AppError('not_found', `no exemption ${id}`);
    const v = visibilityOf(actor);
    if (v.all) return e;
    const personId = e.person_id ?? e.device_owner_id;
    const person = personId ? (await getPeopleByIds(tx, [personId])).get(personId) : undefined;
    if (!person || !canSeePerson(v, person)) throw new AppError('not_found', `no exemption ${id}`);
    return e;
  }

  /** Approve, reject and revoke need the mandate's approver role, and someone else than the requester or the exempted. */
  function checkDecider(actor: Actor, e: ExemptionRow, m: LoadedMandate): void {
    const approver = m.doc.spec.exemptions?.approver ?? 'officer';
    if (!hasPermission(actor, 'exemptions.decide') || !actor.roles.has(approver)) {
      throw new AppError('forbidden', `deciding exemptions of ${m.id} needs the ${approver} role`);
    }
    if (e.requested_by === auditActor(actor))
      throw new AppError('forbidden', 'the requester cannot decide their own request');
    if (
      actor.personId !== null &&
      (actor.personId === e.person_id || actor.personId === e.device_owner_id)
    ) {
      throw new AppError('forbidden', 'the exempted person cannot decide their own exemption');
    }
  }

  async function decide(
    actor: Actor,
    id: number,
    to: 'approved' | 'rejected' | 'revoked',
  ): Promise<ExemptionView> {
    return writeTransaction(store, async (tx) => {
      const e = await visibleExemption(tx, actor, id);
      const m = await mandateOf(tx, e.mandate_id);
      checkDecider(actor, e, m);
      const now = clock.now();
      if (to === 'revoked') {
        if (e.state !== 'approved')
          throw new AppError(
            'conflict',
            `exemption ${id} is ${e.state}: only an approved one can be revoked`,
          );
        if (now >= e.ends_at) throw new AppError('conflict', `exemption ${id} has lapsed already`);
        await updateExemption(tx, id, {
          state: 'revoked',
          revoked_at: now,
          decided_by: auditActor(actor),
          decided_at: now,
        });
      } else {
        if (e.state !== 'requested')
          throw new AppError('conflict', `exemption ${id} is ${e.state} already`);
        if (to === 'approved' && now >= e.ends_at)
          throw new AppError('conflict', `exemption ${id} ends ${e.until_day}, which has passed`);
        await updateExemption(tx, id, {
          state: to,
          decided_by: auditActor(actor),
          decided_at: now,
          ...(to === 'approved' ? { approved_at: now } : {}),
        });
      }
      await recordAudit(tx, now, {
        actor: auditActor(actor),
        action: `exemption.${to === 'approved' ? 'approve' : to === 'rejected' ? 'reject' : 'revoke'}`,
        object: `exemption/${id}`,
        change: { state: to },
      });
      return viewOf((await getExemption(tx, id))!, now);
    });
  }

  return {
    /** Requests an exemption for one device or one person, never a unit or a whole mandate. */
    async request(actor: Actor, r: ExemptionRequest): Promise<ExemptionView> {
      if (!hasPermission(actor, 'exemptions.request'))
        throw new AppError('forbidden', 'requesting exemptions needs the official or officer role');
      if ((r.device === undefined) === (r.person === undefined)) {
        throw invalidInput('name exactly one of device and person', [
          { where: 'device/person', code: 'exactly_one', message: 'exactly one is required' },
        ]);
      }
      return writeTransaction(store, async (tx) => {
        const m = await mandateOf(tx, r.mandate);
        const zone = await getTimeZone(tx);
        const now = clock.now();
        const v = visibilityOf(actor);
        let personId: string;
        let ownerOfDevice: string | null = null;
        if (r.device !== undefined) {
          const d = (await getDevicesByIds(tx, [r.device])).get(r.device);
          const owner = d?.owner ? (await getPeopleByIds(tx, [d.owner])).get(d.owner) : undefined;
          if (!d || !(v.all || (owner && canSeePerson(v, owner))))
            throw new AppError('not_found', `no device ${r.device}`);
          if (!owner)
            throw new AppError(
              'unprocessable',
              `device ${r.device} has no owner: no mandate catches it`,
            );
          personId = owner.id;
          ownerOfDevice = owner.id;
        } else {
          personId = r.person!;
        }
        const person = (await getPeopleByIds(tx, [personId])).get(personId);
        if (!person || !canSeePerson(v, person))
          throw new AppError('not_found', `no person ${personId}`);
        if (!hasPermission(actor, 'act-for-others') && actor.personId !== person.id) {
          throw new AppError('forbidden', 'an official may request exemptions only for themselves');
        }
        const ex = m.doc.spec.exemptions;
        if (!ex || !ex.allowed)
          throw new AppError('unprocessable', `mandate ${m.id} allows no exemptions`);
        if (!isInScope(person, m.judge.scope))
          throw new AppError(
            'unprocessable',
            `${r.device ? `device ${r.device}` : `person ${personId}`} is outside the scope of ${m.id}`,
          );
        // DESIGN §11: an exemption is for what the mandate catches, not a blanket in advance.
        const caught =
          r.device !== undefined
            ? (await getOpenFindings(tx, [m.id], [r.device])).get(m.id)?.has(r.device) === true
            : await hasOpenFindingOfOwner(tx, m.id, personId);
        if (!caught)
          throw new AppError(
            'unprocessable',
            `${r.device !== undefined ? `device ${r.device}` : `person ${personId}`} is not caught by ${m.id}: there is nothing to exempt`,
          );
        const problems: Problem[] = [];
        if (!ex.grounds.includes(r.ground))
          problems.push({
            where: 'ground',
            value: r.ground,
            code: 'not_one_of',
            params: { values: ex.grounds.join(', ') || '(none listed)' },
            message: `must be one of ${ex.grounds.join(', ') || '(none listed)'}`,
          });
        if (r.reason.trim() === '')
          problems.push({ where: 'reason', code: 'required', message: 'is required' });
        let endsAt = 0;
        if (!isDay(r.until))
          problems.push({
            where: 'until',
            value: r.until,
            code: 'not_a_date',
            params: { value: r.until },
            message: 'must be a date YYYY-MM-DD',
          });
        else {
          endsAt = endOfDay(r.until, zone);
          if (endsAt <= now)
            problems.push({
              where: 'until',
              value: r.until,
              code: 'already_over',
              message: 'is already over',
            });
          const max = ex.maxDuration ? parseDuration(ex.maxDuration) : null;
          if (max && startOfDay(r.until, zone) > addDuration(now, max, zone)) {
            problems.push({
              where: 'until',
              value: r.until,
              code: 'beyond_max_duration',
              params: { max: ex.maxDuration ?? '' },
              message: `is further away than the mandate allows (${ex.maxDuration})`,
            });
          }
        }
        if (problems.length > 0) throw invalidInput('the request is refused', problems);
        const id = await insertExemption(tx, {
          mandate_id: m.id,
          device_id: r.device ?? null,
          person_id: r.device === undefined ? personId : null,
          device_owner_id: ownerOfDevice,
          ground: r.ground,
          until_day: r.until,
          ends_at: endsAt,
          reason: r.reason.trim(),
          state: 'requested',
          requested_by: auditActor(actor),
          requested_at: now,
          decided_by: null,
          approved_at: null,
          decided_at: null,
          revoked_at: null,
        });
        await recordAudit(tx, now, {
          actor: auditActor(actor),
          action: 'exemption.request',
          object: `exemption/${id}`,
          change: r,
        });
        return viewOf((await getExemption(tx, id))!, now);
      });
    },
    approve: (actor: Actor, id: number) => decide(actor, id, 'approved'),
    reject: (actor: Actor, id: number) => decide(actor, id, 'rejected'),
    revoke: (actor: Actor, id: number) => decide(actor, id, 'revoked'),

    /** One exemption the actor may see. */
    async get(actor: Actor, id: number): Promise<ExemptionView> {
      return viewOf(await visibleExemption(store.db, actor, id), clock.now());
    },

    /** Exemptions the actor may see, optionally of one mandate or in one state. */
    async list(
      actor: Actor,
      f: { mandate?: string; state?: string } = {},
    ): Promise<ExemptionView[]> {
      const now = clock.now();
      const v = visibilityOf(actor);
      const rows = await listExemptions(store.db, f.mandate);
      const ids = rows
        .map((r) => r.person_id ?? r.device_owner_id)
        .filter((x): x is string => x !== null);
      const people = v.all ? new Map<string, StoredPerson>() : await getPeopleByIds(store.db, ids);
      const seen = rows.filter((r) => {
        if (v.all) return true;
        const p = people.get(r.person_id ?? r.device_owner_id ?? '');
        return p !== undefined && canSeePerson(v, p);
      });
      // Who asked and who decided by name, not by account number.
      const name = await actorNamesOf(
        store.db,
        seen.flatMap((r) => [r.requested_by, r.decided_by]),
      );
      return seen
        .map((r) => ({
          ...viewOf(r, now),
          requestedBy: name(r.requested_by)!,
          decidedBy: name(r.decided_by),
        }))
        .filter((e) => !f.state || e.state === f.state);
    },

    /** A page of the exemptions the actor may see, sorted, with whom and what by name. */
    async page(
      actor: Actor,
      f: { mandate?: string; state?: string } & PageRequest<(typeof EXEMPTION_SORTS)[number]>,
    ): Promise<ListPage<ExemptionListRow>> {
      const all = await this.list(actor, f);
      const names = await namesOf(store.db, {
        people: all.map((e) => e.person).filter((x): x is string => x !== null),
        devices: all.map((e) => e.device).filter((x): x is string => x !== null),
      });
      const rows = all.map((e) => {
        const owner = e.person ?? names.ownerOf(e.device);
        return { ...e, owner, ownerName: names.person(owner), deviceName: names.device(e.device) };
      });
      return pageOf(rows, f, {
        sort: '-requested',
        limit: 100,
        value: (r, c) =>
          c === 'requested'
            ? r.requestedAt
            : c === 'owner'
              ? (r.ownerName ?? r.owner)
              : c === 'device'
                ? (r.deviceName ?? r.device)
                : r[c],
      });
    },
  };
}
