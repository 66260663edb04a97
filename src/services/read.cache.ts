import type { Clock } from '../adapters/clock.js';
import type { Store } from '../store/database.js';
import { getAuditHead } from '../store/audit.repository.js';

/**
 * Answers computed over a whole mandate (status, findings), kept while nothing changed: every
 * change is audited in its own transaction, so the audit log's head names the data's version.
 * An answer about "now" is kept for `nowMs` at most (it says the instant it was computed at);
 * one about a given time, until the data changes. Identical questions asked together share one
 * computation. At most `entries` answers are kept, the least recently used leaving first.
 * (Serving the last answer while a new one is computed was tried: the computation holds the
 * same thread, and the slowest answers got slower.)
 */
export function makeReadCache(
  deps: { store: Store; clock: Clock },
  o = { entries: 32, nowMs: 5000 },
) {
  const kept = new Map<string, Promise<unknown>>();
  return {
    async get<T>(question: string, aboutNow: boolean, compute: () => Promise<T>): Promise<T> {
      const head = (await getAuditHead(deps.store.db))?.seq ?? 0;
      const bucket = aboutNow ? Math.floor(deps.clock.now() / o.nowMs) : '';
      const key = `${head}|${bucket}|${question}`;
      const hit = kept.get(key);
      if (hit) {
        kept.delete(key);
        kept.set(key, hit);
        return hit as Promise<T>;
      }
      const answer = compute();
      kept.set(key, answer);
      answer.catch(() => kept.delete(key));
      while (kept.size > o.entries) kept.delete(kept.keys().next().value!);
      return answer;
    },
  };
}
