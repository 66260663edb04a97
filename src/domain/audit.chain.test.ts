import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkAuditLink, GENESIS_HASH, hashAuditEntry, type AuditFields } from './audit.chain.js';

type Entry = AuditFields & { hash: string };

/** A chain of entries as the log writes them: each linked to the one before. */
function chainOf(items: { at: number; actor: string; action: string; object: string }[]): Entry[] {
  const out: Entry[] = [];
  for (const [i, it] of items.entries()) {
    const fields: AuditFields = {
      seq: i + 1,
      ...it,
      digest: `d${i}`,
      prev_hash: out[i - 1]?.hash ?? GENESIS_HASH,
    };
    out.push({ ...fields, hash: hashAuditEntry(fields) });
  }
  return out;
}

/** The first broken link of a chain, as `audit verify` walks it. */
function firstBreak(chain: Entry[]): number | null {
  let prev: Entry | null = null;
  for (const [i, e] of chain.entries()) {
    if (checkAuditLink(e, prev) !== null) return i;
    prev = e;
  }
  return null;
}

const items = fc.array(
  fc.record({
    at: fc.integer({ min: 0, max: 2 ** 40 }),
    actor: fc.string({ maxLength: 8 }),
    action: fc.constantFrom('import.devices', 'mandate.apply', 'exemption.approve'),
    object: fc.string({ maxLength: 8 }),
  }),
  { minLength: 2, maxLength: 12 },
);

const FIELDS = ['seq', 'at', 'actor', 'action', 'object', 'digest', 'prev_hash', 'hash'] as const;

describe('the audit chain', () => {
  it('verifies as written', () => {
    fc.assert(fc.property(items, (xs) => firstBreak(chainOf(xs)) === null));
  });

  it('detects any edit of any field of any entry, at that entry', () => {
    fc.assert(
      fc.property(
        items,
        fc.nat(),
        fc.constantFrom(...FIELDS),
        fc.string({ minLength: 1, maxLength: 4 }),
        (xs, n, field, junk) => {
          const chain = chainOf(xs);
          const i = n % chain.length;
          const e = chain[i]!;
          const edited = { ...e };
          if (field === 'seq' || field === 'at') edited[field] = e[field] + 1;
          else edited[field] = `${e[field]}${junk}`;
          chain[i] = edited;
          expect(firstBreak(chain)).toBe(i);
        },
      ),
    );
  });

  it('detects the deletion of any entry but the last (the tail needs a signed checkpoint)', () => {
    fc.assert(
      fc.property(items, fc.nat(), (xs, n) => {
        const chain = chainOf(xs);
        const i = n % (chain.length - 1);
        chain.splice(i, 1);
        expect(firstBreak(chain)).toBe(i);
      }),
    );
  });

  it('detects any reordering', () => {
    fc.assert(
      fc.property(items, fc.nat(), fc.nat(), (xs, a, b) => {
        const chain = chainOf(xs);
        const i = a % chain.length;
        const j = b % chain.length;
        fc.pre(i !== j);
        [chain[i], chain[j]] = [chain[j]!, chain[i]!];
        expect(firstBreak(chain)).toBe(Math.min(i, j));
      }),
    );
  });

  it('detects an edited entry even when it is re-hashed, at the entry after it', () => {
    fc.assert(
      fc.property(items, fc.nat(), (xs, n) => {
        const chain = chainOf(xs);
        const i = n % (chain.length - 1);
        const e = { ...chain[i]!, actor: `${chain[i]!.actor}!` };
        chain[i] = { ...e, hash: hashAuditEntry(e) };
        expect(firstBreak(chain)).toBe(i + 1);
      }),
    );
  });
});
