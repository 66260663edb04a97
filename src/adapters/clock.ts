/** The source of "now"; tests pass a fixed one. */
export interface Clock {
  now(): number;
}

/** The system clock. */
export const systemClock: Clock = { now: () => Date.now() };

/** A clock that stays where it is set. */
export function fixedClock(at: number): Clock & { set(at: number): void } {
  let current = at;
  return { now: () => current, set: (t) => (current = t) };
}
