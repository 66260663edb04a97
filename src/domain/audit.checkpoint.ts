import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { canonicalJson } from './canonical-json.js';

/**
 * A signed statement "the audit log had `seq` entries and its head was `hash`": kept outside
 * the database (and the key with it), it shows a later log that is shorter, or whose entry
 * `seq` differs, as tampered with — even when every hash after the change was recomputed.
 */
export const Checkpoint = z.strictObject({
  kind: z.literal('phaseout-audit-checkpoint'),
  seq: z.number().int().min(0),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  /** When the head entry was written, and when the checkpoint was made. */
  headAt: z.string().nullable(),
  madeAt: z.string(),
  /** sha256 of the public key (SPKI DER), to name the key that signed. */
  keyId: z.string().regex(/^[0-9a-f]{64}$/),
  /** Ed25519 over the canonical JSON of every other field. */
  signature: z.string(),
});
export type Checkpoint = z.infer<typeof Checkpoint>;

type Unsigned = Omit<Checkpoint, 'signature'>;

/** The key's id: sha256 of its public part. */
export function keyIdOf(key: KeyObject): string {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return createHash('sha256')
    .update(pub.export({ type: 'spki', format: 'der' }))
    .digest('hex');
}

/** Signs a head with an Ed25519 private key. */
export function signCheckpoint(
  head: { seq: number; hash: string; headAt: string | null },
  madeAt: string,
  key: KeyObject,
): Checkpoint {
  if (key.asymmetricKeyType !== 'ed25519') throw new Error('the audit key must be Ed25519');
  const unsigned: Unsigned = {
    kind: 'phaseout-audit-checkpoint',
    seq: head.seq,
    hash: head.hash,
    headAt: head.headAt,
    madeAt,
    keyId: keyIdOf(key),
  };
  const signature = sign(null, Buffer.from(canonicalJson(unsigned)), key).toString('base64');
  return { ...unsigned, signature };
}

/** Whether a checkpoint was signed by this key (public or private) and not changed since. */
export function checkpointSigned(c: Checkpoint, key: KeyObject): boolean {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  if (c.keyId !== keyIdOf(pub)) return false;
  const { signature, ...unsigned } = c;
  return verify(null, Buffer.from(canonicalJson(unsigned)), pub, Buffer.from(signature, 'base64'));
}

/** What a log says against a checkpoint: null when it agrees. */
export function checkpointBreach(
  c: Checkpoint,
  log: { entries: number; hashAtSeq: string | undefined },
): string | null {
  if (log.entries < c.seq)
    return `the log has ${log.entries} entries, fewer than the ${c.seq} it had at the checkpoint of ${c.madeAt}: entries were removed`;
  if (c.seq === 0) return null;
  if (log.hashAtSeq !== c.hash)
    return `entry ${c.seq} differs from the checkpoint of ${c.madeAt}: the log was rewritten at or before entry ${c.seq}`;
  return null;
}
