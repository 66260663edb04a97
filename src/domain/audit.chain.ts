import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';

export const GENESIS_HASH = '0'.repeat(64);

/** The fields of an audit entry that its hash covers. */
export interface AuditFields {
  seq: number;
  at: number;
  actor: string;
  action: string;
  object: string;
  digest: string;
  prev_hash: string;
}

/** sha256 of a value's canonical JSON. */
export function digestOf(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

/** The hash of an entry over its canonical serialisation. */
export function hashAuditEntry(e: AuditFields): string {
  return digestOf({
    seq: e.seq,
    at: e.at,
    actor: e.actor,
    action: e.action,
    object: e.object,
    digest: e.digest,
    prev_hash: e.prev_hash,
  });
}

/** Why an entry breaks the chain, or null when it links correctly to `prev`. */
export function checkAuditLink(
  entry: AuditFields & { hash: string },
  prev: { seq: number; hash: string } | null,
): string | null {
  const expectedSeq = prev ? prev.seq + 1 : 1;
  if (entry.seq !== expectedSeq) return `sequence ${entry.seq} where ${expectedSeq} was expected`;
  const expectedPrev = prev ? prev.hash : GENESIS_HASH;
  if (entry.prev_hash !== expectedPrev) return 'previous-hash does not match the entry before it';
  if (hashAuditEntry(entry) !== entry.hash) return 'hash does not match its content';
  return null;
}
