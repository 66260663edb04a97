import { invalidInput, type Problem } from '../domain/errors.js';
import type { Person } from '../domain/person.model.js';
import { getDeviceIdsByOwners } from '../store/devices.repository.js';
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
      message: 'a person cannot supervise themselves',
    });
  else if (next.supervisor && !(await getPeopleByIds(tx, [next.supervisor])).has(next.supervisor))
    problems.push({
      where: where('supervisor'),
      value: next.supervisor,
      code: 'unknown_person',
      message: 'is not a known person id',
    });
  if (next.email) {
    const holder = (await getPersonIdsByEmail(tx, [next.email])).get(next.email);
    if (holder && holder !== next.id)
      problems.push({
        where: where('email'),
        value: next.email,
        message: `belongs to ${holder} already`,
      });
  }
  if (problems.length > 0) throw invalidInput('the person is refused', problems);
  await checkObservationTime(tx, now, now, 'the write');
  await ensureUnits(tx, [next.unit], now);
  const row = personToRow(next, { created: before?.createdAt ?? now, changed: now, seen: now });
  if (before) await updatePerson(tx, row);
  else await insertPeople(tx, [row]);
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
