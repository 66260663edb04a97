import type { Clock } from '../adapters/clock.js';
import { AppError } from '../domain/errors.js';

const WINDOW_MS = 15 * 60_000;
const MAX_FAILURES = 5;

/**
 * Sign-in attempts counted per account and per address (in this process) when they begin, and
 * forgiven when they succeed: after five failures in fifteen minutes further attempts are refused
 * until the window passes.
 */
export function makeLoginLimiter(clock: Clock) {
  const failures = new Map<string, number[]>();
  const recent = (key: string): number[] => {
    const since = clock.now() - WINDOW_MS;
    const list = (failures.get(key) ?? []).filter((t) => t > since);
    failures.set(key, list);
    return list;
  };
  const keys = (email: string, address: string): string[] => [
    `account:${email}`,
    `address:${address}`,
  ];
  return {
    check(email: string, address: string): void {
      if (keys(email, address).some((k) => recent(k).length >= MAX_FAILURES)) {
        throw new AppError('rate_limited', 'too many failed sign-ins; try again later');
      }
    },
    fail(email: string, address: string): void {
      for (const k of keys(email, address)) recent(k).push(clock.now());
    },
    /** A sign-in that succeeded: its account starts afresh, and its attempt is not held against the address. */
    succeed(email: string, address: string): void {
      failures.delete(`account:${email}`);
      recent(`address:${address}`).pop();
    },
  };
}
