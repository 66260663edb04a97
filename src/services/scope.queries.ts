import { getPeopleByIds } from '../store/people.repository.js';
import { countPeopleAtOrBelow, countPeopleWithTag } from '../store/scope.repository.js';
import type { Db } from '../store/schema.js';
import type { LoadedMandate } from './evaluation.service.js';

/** Scope units, people and tags that match nobody: `apply` warns about them. */
export async function scopeWarnings(db: Db, m: LoadedMandate): Promise<string[]> {
  const out: string[] = [];
  const s = m.judge.scope;
  for (const u of s.units) {
    if ((await countPeopleAtOrBelow(db, u)) === 0)
      out.push(`${m.id}: scope unit "${u}" matches nobody`);
  }
  for (const t of s.tags) {
    if ((await countPeopleWithTag(db, t)) === 0)
      out.push(`${m.id}: scope tag "${t}" matches nobody`);
  }
  for (const t of s.excludeTags) {
    if ((await countPeopleWithTag(db, t)) === 0)
      out.push(`${m.id}: excluded tag "${t}" matches nobody`);
  }
  const known = await getPeopleByIds(db, [...s.excludePeople]);
  for (const p of s.excludePeople) {
    if (!known.has(p)) out.push(`${m.id}: excluded person "${p}" is not known`);
  }
  return out;
}
