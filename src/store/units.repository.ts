import { unitPathAncestry } from '../domain/unit-path.js';
import { getPeopleByIds, type StoredPerson } from './people.repository.js';
import type { Db } from './schema.js';
import { chunks, insertMany } from './transaction.js';

/** Creates the units named (and their ancestors) that do not exist yet; returns how many. */
export async function ensureUnits(db: Db, paths: Iterable<string>, at: number): Promise<number> {
  const wanted = new Set<string>();
  for (const p of paths) for (const a of unitPathAncestry(p)) wanted.add(a);
  const existing = new Set<string>();
  for (const part of chunks([...wanted])) {
    const rows = await db.selectFrom('units').select('path').where('path', 'in', part).execute();
    for (const r of rows) existing.add(r.path);
  }
  const rows = [...wanted]
    .filter((p) => !existing.has(p))
    .sort()
    .map((path) => {
      const cut = path.lastIndexOf('/');
      return {
        path,
        parent_path: cut < 0 ? null : path.slice(0, cut),
        head_person_id: null,
        created_at: at,
      };
    });
  await insertMany(db, 'units', rows);
  return rows.length;
}

/** Sets the head of each unit given; null clears it. */
export async function setUnitHeads(db: Db, heads: Map<string, string | null>): Promise<void> {
  for (const [path, head] of heads) {
    await db.updateTable('units').set({ head_person_id: head }).where('path', '=', path).execute();
  }
}

/** Units currently headed by any of these people. */
export async function getUnitsHeadedBy(
  db: Db,
  people: string[],
): Promise<{ path: string; head: string }[]> {
  const out: { path: string; head: string }[] = [];
  for (const part of chunks(people)) {
    const rows = await db
      .selectFrom('units')
      .select(['path', 'head_person_id'])
      .where('head_person_id', 'in', part)
      .execute();
    for (const r of rows) out.push({ path: r.path, head: r.head_person_id! });
  }
  return out;
}

/** Heads (active or not) of the units given, by path. */
export async function getUnitHeads(db: Db, paths: string[]): Promise<Map<string, string | null>> {
  const out = new Map<string, string | null>();
  for (const part of chunks(paths)) {
    const rows = await db
      .selectFrom('units')
      .select(['path', 'head_person_id'])
      .where('path', 'in', part)
      .execute();
    for (const r of rows) out.set(r.path, r.head_person_id);
  }
  return out;
}

/** The nearest head of a unit: its own, else its parent's, up to the root. */
export async function getNearestHead(db: Db, unit: string): Promise<string | null> {
  const chain = unitPathAncestry(unit);
  const heads = await getUnitHeads(db, [...chain]);
  for (const u of [...chain].reverse()) {
    const head = heads.get(u);
    if (head) return head;
  }
  return null;
}

/**
 * A unit and each unit above it, nearest first, with its head when the head is active (DESIGN
 * §11: an inactive head is no head): who an escalation reaches, rung by rung.
 */
export async function getHeadLadder(
  db: Db,
  unit: string,
): Promise<{ unit: string; head: StoredPerson | null }[]> {
  const chain = unitPathAncestry(unit).reverse();
  const heads = await getUnitHeads(db, chain);
  const people = await getPeopleByIds(db, [
    ...new Set([...heads.values()].filter((h): h is string => h !== null)),
  ]);
  return chain.map((u) => {
    const head = heads.get(u);
    const p = head ? people.get(head) : undefined;
    return { unit: u, head: p?.active ? p : null };
  });
}

/** Every unit with a head: the head and the unit's path. */
export async function listHeadedUnits(db: Db): Promise<{ path: string; head: string }[]> {
  const rows = await db
    .selectFrom('units')
    .select(['path', 'head_person_id'])
    .where('head_person_id', 'is not', null)
    .execute();
  return rows.map((r) => ({ path: r.path, head: r.head_person_id! }));
}
