import { sql } from 'kysely';
import type { Db } from './schema.js';

/** What an attempt that was let begin counted; null when it was held back. */
export type Begun = { attempts: number } | null;

/**
 * Counts an attempt of an account and address pair as it begins, unless the pair is held back
 * until later: one statement, so that parallel attempts in any process see each other. The
 * `n`-th attempt holds the next back by `delayMs(n)`; a pair idle since `staleBefore` starts
 * again from one.
 */
export async function beginPairAttempt(
  db: Db,
  key: string,
  now: number,
  staleBefore: number,
  delays: readonly number[],
): Promise<Begun> {
  // delays[n - 1] is what the n-th attempt holds back the next by; the last one stays.
  const delayOf = (n: ReturnType<typeof sql>) =>
    sql`case ${n} ${sql.join(
      delays.slice(0, -1).map((d, i) => sql`when ${sql.lit(i + 1)} then ${sql.lit(d)}`),
      sql` `,
    )} else ${sql.lit(delays[delays.length - 1] ?? 0)} end`;
  const r = await sql<{ attempts: number }>`
    insert into sign_in_throttle (key, attempts, blocked_until, window_start)
    values (${key}, 1, ${now + (delays[0] ?? 0)}, ${now})
    on conflict (key) do update set
      attempts = case when sign_in_throttle.window_start < ${staleBefore} then 1
                      else sign_in_throttle.attempts + 1 end,
      blocked_until = cast(${now} as bigint) + case when sign_in_throttle.window_start < ${staleBefore}
                                    then ${sql.lit(delays[0] ?? 0)}
                                    else ${delayOf(sql`sign_in_throttle.attempts + 1`)} end,
      window_start = ${now}
    where sign_in_throttle.blocked_until <= ${now}
    returning attempts`.execute(db);
  return r.rows[0] ? { attempts: Number(r.rows[0].attempts) } : null;
}

/**
 * Counts an attempt from an address as it begins, unless the address has used up `cap`
 * attempts in the window that began at or after `windowStart`.
 */
export async function beginAddressAttempt(
  db: Db,
  key: string,
  now: number,
  windowStart: number,
  cap: number,
): Promise<Begun> {
  const r = await sql<{ attempts: number }>`
    insert into sign_in_throttle (key, attempts, blocked_until, window_start)
    values (${key}, 1, 0, ${now})
    on conflict (key) do update set
      attempts = case when sign_in_throttle.window_start < ${windowStart} then 1
                      else sign_in_throttle.attempts + 1 end,
      window_start = case when sign_in_throttle.window_start < ${windowStart} then ${now}
                          else sign_in_throttle.window_start end
    where sign_in_throttle.window_start < ${windowStart} or sign_in_throttle.attempts < ${cap}
    returning attempts`.execute(db);
  return r.rows[0] ? { attempts: Number(r.rows[0].attempts) } : null;
}

/** The row of a key: when it may next begin (pairs) or when its window began (addresses). */
export async function throttleRow(
  db: Db,
  key: string,
): Promise<{ blockedUntil: number; windowStart: number } | undefined> {
  const r = await db
    .selectFrom('sign_in_throttle')
    .select(['blocked_until', 'window_start'])
    .where('key', '=', key)
    .executeTakeFirst();
  return r && { blockedUntil: Number(r.blocked_until), windowStart: Number(r.window_start) };
}

/** A sign-in that succeeded: the pair starts afresh, and its attempt is given back to the address. */
export async function forgiveAttempt(db: Db, pairKey: string, addressKey: string): Promise<void> {
  await db.deleteFrom('sign_in_throttle').where('key', '=', pairKey).execute();
  await db
    .updateTable('sign_in_throttle')
    .set({ attempts: sql`case when attempts > 0 then attempts - 1 else 0 end` })
    .where('key', '=', addressKey)
    .execute();
}

/** Forgets what has not been touched since `before`. */
export async function pruneThrottle(db: Db, before: number): Promise<void> {
  await db
    .deleteFrom('sign_in_throttle')
    .where('window_start', '<', before)
    .where('blocked_until', '<', before)
    .execute();
}
