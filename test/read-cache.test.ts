import { expect, it } from 'vitest';
import { fixedClock } from '../src/adapters/clock.js';
import { createApp } from '../src/app.js';
import { isKeptAnswer, makeReadCache } from '../src/services/read.cache.js';
import { recordAudit } from '../src/services/audit.service.js';
import { writeTransaction } from '../src/store/transaction.js';
import { createTestDatabase, describeEachDatabase } from './helpers/databases.js';

describeEachDatabase('answers kept per data version', (kind) => {
  it('shares a computation, computes again after any change, and about now every bucket', async () => {
    const clock = fixedClock(Date.parse('2023-03-20T09:00:00Z'));
    const app = await createApp({ dbUrl: await createTestDatabase(kind), clock });
    const cache = makeReadCache(app, { entries: 4, nowMs: 5000, asideMs: 0 });
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
    // An object given is marked as kept (its JSON is then written once, http/contract.ts).
    const answer = await cache.get('o', false, () => Promise.resolve({ n: 1 }));
    expect([isKeptAnswer(answer), isKeptAnswer({ n: 1 })]).toEqual([true, false]);
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
    // A clock set back is a question about an earlier now: never answered from a later one.
    clock.set(clock.now() - 1000);
    expect(await cache.get('now', true, compute)).toBe(5);
    await app.close();
  });

  it('about now, gives the last answer while the next is computed aside, never across a change', async () => {
    const clock = fixedClock(Date.parse('2023-03-20T09:00:00Z'));
    const app = await createApp({ dbUrl: await createTestDatabase(kind), clock });
    const cache = makeReadCache(app, { entries: 4, nowMs: 5000, asideMs: 30_000 });
    let computed = 0;
    // Each computation waits until the test lets the oldest waiting one finish.
    const waiting: Array<() => void> = [];
    const compute = async () => {
      const n = ++computed;
      await new Promise<void>((r) => waiting.push(r));
      return n;
    };
    const release = async () => {
      while (waiting.length === 0) await new Promise((r) => setTimeout(r, 1));
      waiting.shift()!();
    };
    const first = cache.get('now', true, compute);
    await release();
    expect(await first).toBe(1);
    // Stale: the last answer at once, one computation started aside (not one per question).
    clock.set(clock.now() + 6000);
    expect(await cache.get('now', true, compute)).toBe(1);
    expect(await cache.get('now', true, compute)).toBe(1);
    expect(computed).toBe(2);
    await release();
    await new Promise((r) => setTimeout(r, 10));
    expect(await cache.get('now', true, compute)).toBe(2);
    // Too old to give again: the question waits for a new answer.
    clock.set(clock.now() + 40_000);
    const waited = cache.get('now', true, compute);
    await release();
    expect(await waited).toBe(3);
    // After a change the old answer is never given, however young.
    await writeTransaction(app.store, (tx) =>
      recordAudit(tx, clock.now(), { actor: 't', action: 'x', object: 'y', change: {} }),
    );
    clock.set(clock.now() + 6000);
    const changed = cache.get('now', true, compute);
    await release();
    expect(await changed).toBe(4);
    await app.close();
  });
});
