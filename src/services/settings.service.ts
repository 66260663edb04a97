import { REPORTED_FIELDS, type SourcePriority } from '../domain/source.merge.js';
import { AppError, invalidInput } from '../domain/errors.js';
import { formatInstant, isValidZone, parseInstant } from '../domain/time.js';
import type { Store } from '../store/database.js';
import type { Db } from '../store/schema.js';
import { getSetting, putSetting } from '../store/settings.repository.js';
import { writeTransaction } from '../store/transaction.js';
import type { Clock } from '../adapters/clock.js';
import { recordAudit } from './audit.service.js';

const ZONE = 'timezone';
const OBSERVED = 'observation_clock';
const PRIORITY = 'source_priority';

/**
 * Which sources each field is taken from first (DESIGN §5a); a field not named takes the
 * source that changed it last.
 */
export async function getSourcePriority(db: Db): Promise<SourcePriority> {
  const v = await getSetting(db, PRIORITY);
  return v === null ? {} : (JSON.parse(v) as SourcePriority);
}

/** The organisation's time zone (default UTC). */
export async function getTimeZone(db: Db): Promise<string> {
  return (await getSetting(db, ZONE)) ?? 'UTC';
}

/** The latest effective time of any observation, or null before the first. */
export async function getObservationClock(db: Db): Promise<number | null> {
  const v = await getSetting(db, OBSERVED);
  return v === null ? null : Number(v);
}

/** Refuses an observation earlier than the observation clock or later than now. */
export async function checkObservationTime(
  db: Db,
  at: number,
  now: number,
  what: string,
): Promise<void> {
  const clock = await getObservationClock(db);
  if (clock !== null && at < clock) {
    throw invalidInput(
      `${what} ${formatInstant(at)} is earlier than the latest observation ${formatInstant(clock)}`,
      [
        {
          where: what,
          value: formatInstant(at),
          code: 'before_observation_clock',
          params: { clock: formatInstant(clock) },
          message: `must not be earlier than ${formatInstant(clock)}`,
        },
      ],
    );
  }
  if (at > now) {
    throw invalidInput(`${what} ${formatInstant(at)} is in the future`, [
      {
        where: what,
        value: formatInstant(at),
        code: 'in_the_future',
        params: { now: formatInstant(now) },
        message: `must not be later than now (${formatInstant(now)})`,
      },
    ]);
  }
}

/** Moves the observation clock forward to `at`. */
export async function advanceObservationClock(db: Db, at: number): Promise<void> {
  const clock = await getObservationClock(db);
  if (clock === null || at > clock) await putSetting(db, OBSERVED, String(at));
}

/** Reads a user-given time in the organisation's zone, or refuses it naming the flag. */
export function readTime(text: string, zone: string, flag: string): number {
  const at = parseInstant(text, zone);
  if (at === null) {
    throw invalidInput(`${flag} ${text} is not a time`, [
      {
        where: flag,
        value: text,
        code: 'not_a_time',
        message: 'must be a date YYYY-MM-DD or an ISO 8601 timestamp',
      },
    ]);
  }
  return at;
}

/** Settings use cases. */
export function makeSettingsService(deps: { store: Store; clock: Clock }) {
  const { store, clock } = deps;
  return {
    getTimeZone: () => getTimeZone(store.db),
    /** Changes the organisation's zone, audited. */
    async setTimeZone(zone: string, actor: string): Promise<{ from: string; to: string }> {
      if (!isValidZone(zone)) {
        throw new AppError('invalid_input', `${zone} is not an IANA time zone`, [
          {
            where: 'timezone',
            value: zone,
            code: 'not_a_zone',
            message: 'use an IANA name such as Europe/Moscow',
          },
        ]);
      }
      return writeTransaction(store, async (tx) => {
        const from = await getTimeZone(tx);
        if (from !== zone) {
          await putSetting(tx, ZONE, zone);
          await recordAudit(tx, clock.now(), {
            actor,
            action: 'settings.timezone',
            object: 'settings/timezone',
            change: { from, to: zone },
          });
        }
        return { from, to: zone };
      });
    },
    getSourcePriority: () => getSourcePriority(store.db),
    /**
     * Sets the sources a device field is taken from, first to last (none: the latest change
     * wins), audited.
     */
    async setSourcePriority(
      field: string,
      sources: string[],
      actor: string,
    ): Promise<SourcePriority> {
      if (!(REPORTED_FIELDS as readonly string[]).includes(field))
        throw invalidInput(`${field} is not a field sources report`, [
          {
            where: 'field',
            value: field,
            code: 'not_one_of',
            params: { values: REPORTED_FIELDS.join(', ') },
            message: `is one of ${REPORTED_FIELDS.join(', ')}`,
          },
        ]);
      const clean = sources.map((s) => s.trim()).filter(Boolean);
      return writeTransaction(store, async (tx) => {
        const all: Record<string, string[]> = { ...(await getSourcePriority(tx)) };
        if (clean.length > 0) all[field] = clean;
        else delete all[field];
        await putSetting(tx, PRIORITY, JSON.stringify(all));
        await recordAudit(tx, clock.now(), {
          actor,
          action: 'settings.source-priority',
          object: `settings/source-priority/${field}`,
          change: { field, sources: clean },
        });
        return all;
      });
    },
  };
}
