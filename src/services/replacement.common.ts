import { hasPermission, type Actor, type Permission } from '../domain/access.policy.js';
import { AppError } from '../domain/errors.js';
import type { Db } from '../store/schema.js';
import { loadActiveMandates, type LoadedMandate } from './evaluation.service.js';
import { getTimeZone } from './settings.service.js';

/** Refuses an actor without a permission, saying why. */
export function need(actor: Actor, p: Permission, why: string): void {
  if (!hasPermission(actor, p)) throw new AppError('forbidden', why);
}

/** The mandates in force that ask for replacements. */
export async function replaceMandates(db: Db): Promise<LoadedMandate[]> {
  return (await loadActiveMandates(db, await getTimeZone(db))).filter(
    (m) => m.doc.spec.action === 'replace',
  );
}
