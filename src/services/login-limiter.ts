import type { Clock } from '../adapters/clock.js';
import { AppError } from '../domain/errors.js';
import type { Store } from '../store/database.js';
import {
  beginAddressAttempt,
  beginPairAttempt,
  forgiveAttempt,
  pruneThrottle,
  throttleRow,
} from '../store/throttle.repository.js';

/** Attempts of one account from one address before each further one waits. */
const FREE_ATTEMPTS = 5;
/** The longest a pair waits between attempts. */
const MAX_DELAY_MS = 15 * 60_000;
/** A pair idle this long starts again; an address's cap counts in windows this long. */
const WINDOW_MS = 15 * 60_000;
/** Attempts from one address, on any accounts, per window. */
const ADDRESS_CAP = 100;

/** What the n-th attempt of a pair holds the next back by: nothing, then 1 s, 2 s, 4 s … 15 min. */
export const PAIR_DELAYS_MS: readonly number[] = (() => {
  const out: number[] = Array.from({ length: FREE_ATTEMPTS - 1 }, () => 0);
  for (let d = 1000; d < MAX_DELAY_MS; d *= 2) out.push(d);
  out.push(MAX_DELAY_MS);
  return out;
})();

const refuse = (retryAt: number, now: number): AppError => {
  const seconds = Math.max(1, Math.ceil((retryAt - now) / 1000));
  return new AppError('rate_limited', `too many sign-in attempts; try again in ${seconds} s`, [
    {
      where: 'email',
      code: 'rate_limited',
      params: { retryAfter: seconds },
      message: `try again in ${seconds} s`,
    },
  ]);
};

/**
 * Sign-in attempts counted in the database, so that every server process shares them, when
 * they begin (before the slow password check) and forgiven when they succeed. An account and
 * address pair slows down (five attempts, then waits doubling from a second to fifteen minutes)
 * instead of locking the account for everybody; an address has a cap over all accounts.
 */
export function makeLoginLimiter(store: Store, clock: Clock) {
  const pairKey = (email: string, address: string) => `pair:${email} ${address}`;
  const addressKey = (address: string) => `address:${address}`;
  return {
    /** Counts an attempt that begins, or refuses it (429) saying when to try again. */
    async begin(email: string, address: string): Promise<void> {
      const now = clock.now();
      const byAddress = addressKey(address);
      if (!(await beginAddressAttempt(store.db, byAddress, now, now - WINDOW_MS, ADDRESS_CAP))) {
        const row = await throttleRow(store.db, byAddress);
        throw refuse((row?.windowStart ?? now) + WINDOW_MS, now);
      }
      const byPair = pairKey(email, address);
      if (!(await beginPairAttempt(store.db, byPair, now, now - WINDOW_MS, PAIR_DELAYS_MS))) {
        const row = await throttleRow(store.db, byPair);
        throw refuse(row?.blockedUntil ?? now, now);
      }
    },
    /** A sign-in that succeeded: its pair starts afresh; its attempt is not held against the address. */
    async succeed(email: string, address: string): Promise<void> {
      await forgiveAttempt(store.db, pairKey(email, address), addressKey(address));
      await pruneThrottle(store.db, clock.now() - 24 * 3_600_000);
    },
  };
}
