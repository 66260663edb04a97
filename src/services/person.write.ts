import { mixedScriptProblem } from '../domain/import.rules.js';
import { invalidInput, type Problem } from '../domain/errors.js';
import type { Person } from '../domain/person.model.js';
import { custodianOnLeaving } from '../domain/custody.rules.js';
import {
  getDeviceIdsByOwners,
  getDevicesByIds,
  setDeviceUnits,
} from '../store/devices.repository.js';
import {
  getPeopleByIds,
  getPersonIdsByEmail,
  insertPeople,
  personToRow,
  updatePerson,
  type StoredPerson,
} from '../store/people.repository.js';
import type { Db } from '../store/schema.js';
import { ensureUnits } from '../store/units.repository.js';
import { recordAudit } from './audit.service.js';
import { loadActiveMandates, reevaluateDevices } from './evaluation.service.js';
import { advanceObservationClock, checkObservationTime, getTimeZone } from './settings.service.js';

/** How deep a unit path may go: an organisation chart, not a generated tree. */
export const MAX_UNIT_DEPTH = 16;

/**
 * The chain from `id` back to itself if `supervisor` leads to `id` (a manager cycle), else null;
 * followed at most as far as the organisation could be deep.
 */
async function supervisorCycle(tx: Db, id: string, supervisor: string): Promise<string[] | null> {
  const chain = [id, supervisor];
  let at: string | null = supervisor;
  for (let hop = 0; at !== null && hop < 1000; hop++) {
    const p = (await getPeopleByIds(tx, [at])).get(at);
    at = p?.supervisor ?? null;
    if (at === null) return null;
    chain.push(at);
    if (at === id) return chain;
    if (chain.indexOf(at) !== chain.length - 1) return null;
  }
  return null;
}

/**
 * Writes one person as a change taking effect `now` (an API or directory write): refuses a
 * self-supervision, an unknown supervisor and an e-mail another person holds; re-judges the
 * person's devices; audits the change in the same transaction.
 */
export async function storePerson(
  tx: Db,
  before: StoredPerson | undefined,
  next: Person,
  now: number,
  audit: { actor: string; action: string; where?: (field: string) => string },
): Promise<void> {
  const where = audit.where ?? ((f: string) => f);
  const problems: Problem[] = [];
  if (next.supervisor === next.id)
    problems.push({
      where: where('supervisor'),
      value: next.id,
      code: 'self_supervisor',
      message: 'a person cannot supervise themselves',
    });
  else if (next.supervisor && !(await getPeopleByIds(tx, [next.supervisor])).has(next.supervisor))
    problems.push({
      where: where('supervisor'),
      value: next.supervisor,
      code: 'unknown_person',
      message: 'is not a known person id',
    });
  else if (next.supervisor) {
    const cycle = await supervisorCycle(tx, next.id, next.supervisor);
    if (cycle)
      problems.push({
        where: where('supervisor'),
        value: next.supervisor,
        code: 'supervisor_cycle',
        message: `would make a cycle of supervisors: ${cycle.join(' → ')}`,
      });
  }
  if (next.unit.split('/').length > MAX_UNIT_DEPTH)
    problems.push({
      where: where('unit'),
      value: next.unit,
      code: 'unit_too_deep',
      message: `has ${next.unit.split('/').length} levels; at most ${MAX_UNIT_DEPTH}`,
    });
  const mixed = next.email ? mixedScriptProblem(next.email) : null;
  if (mixed)
    problems.push({
      where: where('email'),
      value: next.email!,
      code: mixed.code,
      message: mixed.message,
    });
  if (next.email) {
    const holder = (await getPersonIdsByEmail(tx, [next.email])).get(next.email);
    if (holder && holder !== next.id)
      problems.push({
        where: where('email'),
        value: next.email,
        code: 'email_taken',
        params: { holder },
        message: `belongs to ${holder} already`,
      });
  }
  if (problems.length > 0) throw invalidInput('the person is refused', problems);
  await checkObservationTime(tx, now, now, 'the write');
  await ensureUnits(tx, [next.unit], now);
  const row = personToRow(next, { created: before?.createdAt ?? now, changed: now, seen: now });
  if (before) await updatePerson(tx, row, before);
  else await insertPeople(tx, [row]);
  if (before) await moveCustody(tx, [{ before, next }], now);
  await advanceObservationClock(tx, now);
  await reevaluateDevices(
    tx,
    await getDeviceIdsByOwners(tx, [next.id]),
    now,
    await loadActiveMandates(tx, await getTimeZone(tx)),
  );
  await recordAudit(tx, now, {
    actor: audit.actor,
    action: audit.action,
    object: `person/${next.id}`,
    change: next,
  });
}

/**
 * What leaving and coming back do to a person's devices (DESIGN §5a), at the moment they do: a
 * leaver's active devices that are not personal pass into the custody of the unit they leave
 * from (their findings then transfer to the unit); someone reactivated has them back. Answers
 * the devices changed (already among the person's devices to re-judge).
 */
export async function moveCustody(
  tx: Db,
  changes: { before: Person; next: Person }[],
  at: number,
): Promise<string[]> {
  const leaving = new Map(
    changes.filter((c) => c.before.active && !c.next.active).map((c) => [c.next.id, c.before.unit]),
  );
  const back = new Set(
    changes.filter((c) => !c.before.active && c.next.active).map((c) => c.next.id),
  );
  if (leaving.size === 0 && back.size === 0) return [];
  const devices = await getDevicesByIds(
    tx,
    await getDeviceIdsByOwners(tx, [...leaving.keys(), ...back]),
  );
  const rows: { id: string; unit: string | null }[] = [];
  for (const d of devices.values()) {
    const left = leaving.get(d.owner!);
    const unit =
      left !== undefined
        ? custodianOnLeaving(d, left)
        : d.status === 'active' && d.ownership !== 'personal'
          ? null
          : d.unit;
    if (unit !== d.unit) rows.push({ id: d.id, unit });
  }
  await setDeviceUnits(tx, rows, at);
  return rows.map((r) => r.id);
}
