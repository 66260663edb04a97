import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Checkpoint } from '../domain/audit.checkpoint.js';
import { invalidInput, problemsOf } from '../domain/errors.js';

/** Reads the audit key from a PEM file: the private key (to sign) or its public key (to verify). */
export function readAuditKey(file: string, where: string, need: 'private' | 'any'): KeyObject {
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (e) {
    throw invalidInput(`cannot read the audit key ${file}`, [
      {
        where,
        value: file,
        code: 'unreadable_file',
        message: (e as NodeJS.ErrnoException).code ?? 'unreadable',
      },
    ]);
  }
  let key: KeyObject;
  try {
    key = pem.includes('PRIVATE KEY') ? createPrivateKey(pem) : createPublicKey(pem);
  } catch {
    throw invalidInput(`${file} holds no key`, [
      {
        where,
        value: file,
        code: 'not_a_key',
        message: 'is not a PEM key (make one with: phaseout audit keygen FILE)',
      },
    ]);
  }
  if (key.asymmetricKeyType !== 'ed25519')
    throw invalidInput(`${file} is not an Ed25519 key`, [
      {
        where,
        value: file,
        code: 'not_ed25519',
        message: `is ${key.asymmetricKeyType ?? 'unknown'}, not Ed25519`,
      },
    ]);
  if (need === 'private' && key.type !== 'private')
    throw invalidInput(`${file} holds a public key: signing needs the private key`, [
      { where, value: file, code: 'public_key_given', message: 'is a public key' },
    ]);
  return key;
}

/** Makes a new Ed25519 key: the private PEM readable by its owner only; answers the public PEM. */
export function writeNewAuditKey(file: string): string {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), {
    mode: 0o600,
    flag: 'wx',
  });
  return publicKey.export({ type: 'spki', format: 'pem' }).toString();
}

/** Where checkpoints go unless told: PHASEOUT_AUDIT_CHECKPOINT_DIR, or ./data/checkpoints. */
export const DEFAULT_CHECKPOINT_DIR = './data/checkpoints';

/** A checkpoint's file in a directory: `audit-2023-03-05T120000Z-seq5.json` (its day first). */
export function checkpointPath(dir: string | undefined, c: Checkpoint): string {
  const stamp = c.madeAt.replace(/[:.]/g, '').replace(/\d{3}Z$/, 'Z');
  return join(dir ?? DEFAULT_CHECKPOINT_DIR, `audit-${stamp}-seq${c.seq}.json`);
}

/** Whether a directory holds a checkpoint made on a day (`YYYY-MM-DD`, UTC). */
export function hasCheckpointOn(dir: string | undefined, day: string): boolean {
  try {
    return readdirSync(dir ?? DEFAULT_CHECKPOINT_DIR).some((f) => f.startsWith(`audit-${day}T`));
  } catch {
    return false;
  }
}

/** Writes a checkpoint as JSON. */
export function writeCheckpoint(file: string, c: Checkpoint): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(c, null, 2)}\n`);
}

/** Reads a checkpoint file, or refuses it saying why. */
export function readCheckpoint(file: string): Checkpoint {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw invalidInput(`cannot read the checkpoint ${file}`, [
      {
        where: file,
        code: 'unreadable_file',
        message: (e as NodeJS.ErrnoException).code ?? (e as Error).message,
      },
    ]);
  }
  const r = Checkpoint.safeParse(raw);
  if (!r.success)
    throw invalidInput(`${file} is not a phaseout audit checkpoint`, problemsOf(r.error));
  return r.data;
}
