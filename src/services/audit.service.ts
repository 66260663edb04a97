import type { KeyObject } from 'node:crypto';
import { checkAuditLink, digestOf, GENESIS_HASH, hashAuditEntry } from '../domain/audit.chain.js';
import {
  checkpointBreach,
  checkpointSigned,
  signCheckpoint,
  type Checkpoint,
} from '../domain/audit.checkpoint.js';
import { formatInstant } from '../domain/time.js';
import {
  countAuditEntries,
  getAuditHash,
  getAuditHead,
  insertAuditEntry,
  listAuditEntries,
  streamAuditEntries,
} from '../store/audit.repository.js';
import { getAccountNames } from '../store/accounts.repository.js';
import type { Db } from '../store/schema.js';

/** One change to record. */
export interface AuditChange {
  actor: string;
  action: string;
  object: string;
  change: unknown;
}

/** Appends an entry inside the caller's write transaction (which serialises writers). */
export async function recordAudit(tx: Db, at: number, c: AuditChange): Promise<number> {
  const head = await getAuditHead(tx);
  const entry = {
    seq: (head?.seq ?? 0) + 1,
    at,
    actor: c.actor,
    action: c.action,
    object: c.object,
    digest: digestOf(c.change),
    prev_hash: head?.hash ?? GENESIS_HASH,
  };
  await insertAuditEntry(tx, { ...entry, hash: hashAuditEntry(entry) });
  return entry.seq;
}

export interface VerifyResult {
  ok: boolean;
  entries: number;
  head: { seq: number; hash: string; at: string } | null;
  broken?: { seq: number; reason: string };
}

/** Recomputes the whole chain and names the first broken entry. */
export async function verifyAudit(db: Db): Promise<VerifyResult> {
  let prev: { seq: number; hash: string } | null = null;
  let entries = 0;
  let lastAt = 0;
  for await (const e of streamAuditEntries(db)) {
    const reason = checkAuditLink(e, prev);
    if (reason)
      return { ok: false, entries, head: headOf(prev, lastAt), broken: { seq: e.seq, reason } };
    prev = { seq: e.seq, hash: e.hash };
    lastAt = e.at;
    entries++;
  }
  return { ok: true, entries, head: headOf(prev, lastAt) };
}

/** Signs the log's head now: its length and last hash (`phaseout audit checkpoint`). */
export async function makeCheckpoint(db: Db, key: KeyObject, now: number): Promise<Checkpoint> {
  const head = await getAuditHead(db);
  return signCheckpoint(
    {
      seq: head?.seq ?? 0,
      hash: head?.hash ?? GENESIS_HASH,
      headAt: head ? formatInstant(head.at) : null,
    },
    formatInstant(now),
    key,
  );
}

/** What the log says against one checkpoint: not signed by the key, or a breach, or null. */
export async function checkAgainst(db: Db, c: Checkpoint, key: KeyObject): Promise<string | null> {
  const entries = await countAuditEntries(db);
  if (!checkpointSigned(c, key))
    return 'its signature does not verify with the audit key: it was changed, or signed by another key';
  const hashAtSeq = c.seq > 0 && c.seq <= entries ? await getAuditHash(db, c.seq) : undefined;
  return checkpointBreach(c, { entries, hashAtSeq });
}

function headOf(prev: { seq: number; hash: string } | null, at: number): VerifyResult['head'] {
  return prev ? { ...prev, at: formatInstant(at) } : null;
}

/** Audit entries after a sequence number, in order. */
/**
 * A page of the audit log: after a sequence number, oldest first (for a reader following the
 * log), or newest first; the total is the head's sequence, the log being gapless.
 */
export async function listAudit(
  db: Db,
  o: { after?: number; limit: number; offset?: number; newestFirst?: boolean },
) {
  const after = o.after ?? 0;
  const [rows, head] = await Promise.all([
    listAuditEntries(db, after, o.limit, o),
    getAuditHead(db),
  ]);
  // Who acted, by name: an account's person (or its email); the CLI, the demo and SCIM as written.
  const accounts = await getAccountNames(
    db,
    rows.flatMap((r) => (/^account:\d+$/.test(r.actor) ? [Number(r.actor.slice(8))] : [])),
  );
  const nameOf = (actor: string) => {
    const a = /^account:\d+$/.test(actor) ? accounts.get(Number(actor.slice(8))) : undefined;
    // Any other actor (an e-mail from the command line, `cli:user@host`, a SCIM client) as written.
    return a ? (a.name ? `${a.name} (${a.email})` : a.email) : actor;
  };
  return {
    items: rows.map((r) => ({ ...r, at: formatInstant(r.at), actorName: nameOf(r.actor) })),
    total: Math.max(0, Number(head?.seq ?? 0) - after),
    offset: o.offset ?? 0,
    limit: o.limit,
  };
}
