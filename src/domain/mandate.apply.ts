import type { Problem } from './errors.js';
import { formatInstant, type Instant } from './time.js';

/** What is stored of a mandate that a file applies again. */
export interface StoredMandate {
  version: number;
  /** The digest and issue day of its current version. */
  digest: string;
  issuedAt: string | undefined;
  withdrawnAt: Instant | null;
}

/** One document of a file: its mandate, its digest, its issue day. */
export interface AppliedDocument {
  id: string;
  digest: string;
  issuedAt: string;
}

/** What applying one document does (DESIGN §4). */
export type ApplyStep =
  | { id: string; kind: 'create' }
  | { id: string; kind: 'unchanged'; version: number }
  /** A new version (`newVersion`), or the same one brought back from withdrawal. */
  | { id: string; kind: 'update' | 'reinstate'; version: number; newVersion: boolean };

/**
 * Decides what a file does to each mandate, or every reason it is refused: a first version
 * governs from its issuedAt (no `--effective-at`); a withdrawn mandate comes back only with
 * `--reinstate`; a later version may not change issuedAt.
 */
export function decideApply(
  docs: AppliedDocument[],
  stored: ReadonlyMap<string, StoredMandate | undefined>,
  o: { fileName: string; effectiveAt: boolean; reinstate: boolean },
): { problems: Problem[]; steps: ApplyStep[] } {
  const problems: Problem[] = [];
  const steps: ApplyStep[] = [];
  for (const d of docs) {
    const m = stored.get(d.id);
    const where = `${o.fileName} ${d.id}`;
    if (!m) {
      if (o.effectiveAt)
        problems.push({
          where,
          code: 'effective_at_first',
          message:
            '--effective-at is refused on a first application: a first version governs from its issuedAt',
        });
      steps.push({ id: d.id, kind: 'create' });
      continue;
    }
    if (m.withdrawnAt !== null && !o.reinstate)
      problems.push({
        where,
        code: 'mandate_withdrawn',
        params: { mandate: d.id, at: formatInstant(m.withdrawnAt) },
        message: `mandate ${d.id} was withdrawn at ${formatInstant(m.withdrawnAt)}; apply with --reinstate to bring it back`,
      });
    if (m.issuedAt !== d.issuedAt)
      problems.push({
        where: `${where} metadata.issuedAt`,
        value: d.issuedAt,
        code: 'issued_at_changed',
        params: { issuedAt: m.issuedAt ?? '' },
        message: `a later version may not change issuedAt (${m.issuedAt})`,
      });
    const newVersion = m.digest !== d.digest;
    if (!newVersion && m.withdrawnAt === null)
      steps.push({ id: d.id, kind: 'unchanged', version: m.version });
    else
      steps.push({
        id: d.id,
        kind: m.withdrawnAt !== null ? 'reinstate' : 'update',
        version: newVersion ? m.version + 1 : m.version,
        newVersion,
      });
  }
  return { problems, steps };
}
