import type { Clock } from '../adapters/clock.js';
import type { Store } from '../store/database.js';
import { getAuditHead } from '../store/audit.repository.js';

interface Kept {
  /** The "now" bucket it was computed in ('' for a question about a given time). */
  bucket: number | '';
  answer: Promise<unknown>;
  /** Set once the answer is there. */
  done: boolean;
  refreshing: boolean;
}

/**
 * Answers computed over a whole mandate (status, findings), kept while nothing changed: every
 * change is audited in its own transaction, so the audit log's head names the data's version.
 * An answer about a given time is kept until the data changes. One about "now" is computed
 * again every `nowMs`; meanwhile, when the data has not changed, the last answer (at most two
 * `nowMs` old; it says the instant it was computed at) is given, so that nobody waits. Identical
 * questions asked together share one computation. At most `entries` answers are kept, the
 * least recently used leaving first.
 */
export function makeReadCache(
  deps: { store: Store; clock: Clock },
  o = { entries: 32, nowMs: 5000 },
) {
  const kept = new Map<string, Kept>();
  const keep = (key: string, k: Kept): void => {
    kept.delete(key);
    kept.set(key, k);
    while (kept.size > o.entries) kept.delete(kept.keys().next().value!);
  };
  const start = (key: string, bucket: number | '', compute: () => Promise<unknown>): Kept => {
    const k: Kept = { bucket, answer: compute(), done: false, refreshing: false };
    k.answer.then(
      () => (k.done = true),
      () => kept.get(key) === k && kept.delete(key),
    );
    return k;
  };
  return {
    async get<T>(question: string, aboutNow: boolean, compute: () => Promise<T>): Promise<T> {
      const head = (await getAuditHead(deps.store.db))?.seq ?? 0;
      const bucket = aboutNow ? Math.floor(deps.clock.now() / o.nowMs) : '';
      const key = `${head}|${question}`;
      const k = kept.get(key);
      if (k && k.bucket === bucket) {
        keep(key, k);
        return k.answer as Promise<T>;
      }
      if (k && k.done && typeof bucket === 'number' && k.bucket === bucket - 1) {
        // The data is the same, the moment has moved on a little: the last answer (at most two
        // buckets old) now, the new one soon.
        if (!k.refreshing) {
          k.refreshing = true;
          const next = start(key, bucket, compute);
          next.answer.then(
            () => keep(key, next),
            () => (k.refreshing = false),
          );
        }
        keep(key, k);
        return k.answer as Promise<T>;
      }
      const fresh = start(key, bucket, compute);
      keep(key, fresh);
      return fresh.answer as Promise<T>;
    },
  };
}
