import { expect, it } from 'vitest';
import { fixedClock } from '../src/adapters/clock.js';
import { createApp } from '../src/app.js';
import { makeReadCache } from '../src/services/read.cache.js';
import { recordAudit } from '../src/services/audit.service.js';
import { writeTransaction } from '../src/store/transaction.js';
import { createTestDatabase, describeEachDatabase } from './helpers/databases.js';

describeEachDatabase('answers kept per data version', (kind) => {
  it('shares a computation, computes again after any change, and about now every bucket', async () => {
    const clock = fixedClock(Date.parse('2023-03-20T09:00:00Z'));
    const app = await createApp({ dbUrl: await createTestDatabase(kind), clock });
    const cache = makeReadCache(app, { entries: 4, nowMs: 5000 });
    let computed = 0;
    const compute = async () => {
      computed++;
      await new Promise((r) => setTimeout(r, 20));
      return computed;
    };
    // Asked together: one computation.
    expect(
      await Promise.all([cache.get('q', false, compute), cache.get('q', false, compute)]),
    ).toEqual([1, 1]);
    expect(await cache.get('q', false, compute)).toBe(1);
    // Any audited change is a new version of the data: computed again.
    await writeTransaction(app.store, (tx) =>
      recordAudit(tx, clock.now(), { actor: 't', action: 'x', object: 'y', change: {} }),
    );
    expect(await cache.get('q', false, compute)).toBe(2);
    // About now: within the bucket the same answer, in the next a new one.
    expect(await cache.get('now', true, compute)).toBe(3);
    clock.set(clock.now() + 4000);
    expect(await cache.get('now', true, compute)).toBe(3);
    clock.set(clock.now() + 5000);
    expect(await cache.get('now', true, compute)).toBe(4);
    await app.close();
  });
});
