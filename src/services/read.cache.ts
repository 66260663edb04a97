import type { Clock } from '../adapters/clock.js';
import type { Store } from '../store/database.js';
import { getAuditSeq } from '../store/audit.repository.js';

export interface ReadCacheOptions {
  /** How many questions are kept, the least recently asked leaving first. */
  entries: number;
  /** An answer about "now" is fresh this long after it was computed. */
  nowMs: number;
  /**
   * Past `nowMs` and up to this age, an answer about "now" is given again while one new
   * computation runs aside (0: never). Only where the database computes apart from this thread
   * (PostgreSQL): on SQLite the computation holds the only thread, and the slowest answers got
   * slower when this was tried.
   */
  asideMs: number;
}

/** Every answer a read cache has given: never changed after, so its serialisation can be kept. */
const given = new WeakSet<object>();

/** Whether `value` is an answer a read cache gives again (the same object, unchanged). */
export function isKeptAnswer(value: unknown): boolean {
  return typeof value === 'object' && value !== null && given.has(value);
}

const remember = (answer: unknown): void => {
  if (typeof answer === 'object' && answer !== null) given.add(answer);
};

interface Kept {
  head: number;
  /** The clock when the computation started: the instant an answer about "now" is about. */
  at: number;
  answer: Promise<unknown>;
  settled: boolean;
  /** The computation running aside, if any. */
  next?: Promise<unknown>;
}

/**
 * Answers computed over a whole mandate (status, findings), kept while nothing changed: every
 * change is audited in its own transaction, so the audit log's head names the data's version.
 * An answer about "now" says the instant it was computed at; it is kept `nowMs`, and (see
 * `asideMs`) given a little longer while the next is computed. An answer from an older version of
 * the data is never given. Identical questions asked together share one computation.
 */
export function makeReadCache(
  deps: { store: Store; clock: Clock },
  o: ReadCacheOptions = { entries: 32, nowMs: 5000, asideMs: 0 },
) {
  const kept = new Map<string, Kept>();

  function keep(
    question: string,
    head: number,
    compute: () => Promise<unknown>,
    at = deps.clock.now(),
  ): Kept {
    const entry: Kept = { head, at, answer: compute(), settled: false };
    entry.answer.then(
      (answer) => {
        entry.settled = true;
        remember(answer);
      },
      () => kept.get(question) === entry && kept.delete(question),
    );
    kept.delete(question);
    kept.set(question, entry);
    while (kept.size > o.entries) kept.delete(kept.keys().next().value!);
    return entry;
  }

  return {
    async get<T>(question: string, aboutNow: boolean, compute: () => Promise<T>): Promise<T> {
      const head = await getAuditSeq(deps.store.db);
      const e = kept.get(question);
      const age = e ? deps.clock.now() - e.at : 0;
      if (e && e.head === head && (!aboutNow || (age >= 0 && age < o.nowMs))) {
        kept.delete(question);
        kept.set(question, e);
        return e.answer as Promise<T>;
      }
      if (e && e.head === head && e.settled && age >= 0 && age < o.asideMs) {
        if (!e.next) {
          const started = deps.clock.now();
          e.next = compute().then(
            (answer) => {
              if (kept.get(question) === e)
                keep(question, head, () => Promise.resolve(answer), started);
            },
            () => (e.next = undefined),
          );
        }
        return e.answer as Promise<T>;
      }
      return keep(question, head, compute).answer as Promise<T>;
    },
  };
}
