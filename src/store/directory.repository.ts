import { sql } from 'kysely';
import type { Visibility } from '../domain/access.policy.js';
import { unitAtOrBelow } from './candidates.repository.js';
import { rowToDevice, type StoredDevice } from './devices.repository.js';
import { rowToPerson, type StoredPerson } from './people.repository.js';
import type { Db } from './schema.js';

/** Restricts by who may see a person (`column` holds the person's unit, `idColumn` their id). */
export function visibleCondition(v: Visibility, unitColumn: string, idColumn: string) {
  if (v.all) return sql<boolean>`1 = 1`;
  const parts = v.units.map((u) => unitAtOrBelow(unitColumn, u));
  if (v.personId) parts.push(sql<boolean>`${sql.ref(idColumn)} = ${v.personId}`);
  return parts.length === 0 ? sql<boolean>`1 = 0` : sql<boolean>`(${sql.join(parts, sql` or `)})`;
}

export interface DeviceFilter {
  platform?: string;
  class?: string;
  status?: string;
  owner?: string;
  unit?: string;
  /** A device id, or part of its model or manufacturer, in any case. */
  q?: string;
  after?: string;
  limit: number;
}

/** Devices the visibility allows, by id, from a cursor. */
export async function listVisibleDevices(
  db: Db,
  v: Visibility,
  f: DeviceFilter,
): Promise<StoredDevice[]> {
  let q = db
    .selectFrom('devices as d')
    .leftJoin('people as p', 'p.id', 'd.owner_id')
    .selectAll('d')
    .where(visibleCondition(v, 'p.unit', 'p.id'))
    .orderBy('d.id')
    .limit(f.limit);
  if (f.after !== undefined) q = q.where('d.id', '>', f.after);
  if (f.platform) q = q.where('d.platform', '=', f.platform);
  if (f.class) q = q.where('d.class', '=', f.class);
  if (f.status) q = q.where('d.status', '=', f.status);
  if (f.owner) q = q.where('d.owner_id', '=', f.owner);
  if (f.unit) q = q.where(unitAtOrBelow('p.unit', f.unit));
  if (f.q) {
    const like = `%${f.q.toLowerCase()}%`;
    q = q.where((eb) =>
      eb.or([
        eb('d.id', '=', f.q!),
        eb(sql`lower(d.model)`, 'like', like),
        eb(sql`lower(d.manufacturer)`, 'like', like),
      ]),
    );
  }
  return (await q.execute()).map(rowToDevice);
}

export interface PeopleFilter {
  unit?: string;
  tag?: string;
  active?: boolean;
  q?: string;
  after?: string;
  limit: number;
}

/** People the visibility allows, by id, from a cursor. */
export async function listVisiblePeople(
  db: Db,
  v: Visibility,
  f: PeopleFilter,
): Promise<StoredPerson[]> {
  let q = db
    .selectFrom('people')
    .selectAll()
    .where(visibleCondition(v, 'people.unit', 'people.id'))
    .orderBy('id')
    .limit(f.limit);
  if (f.after !== undefined) q = q.where('id', '>', f.after);
  if (f.unit) q = q.where(unitAtOrBelow('people.unit', f.unit));
  if (f.active !== undefined) q = q.where('active', '=', f.active ? 1 : 0);
  if (f.tag) q = q.where('tags', 'like', `%${JSON.stringify(f.tag.toLowerCase())}%`);
  if (f.q)
    q = q.where((eb) =>
      eb.or([
        eb(sql`lower(name)`, 'like', `%${f.q!.toLowerCase()}%`),
        eb('id', '=', f.q!),
        eb('email', '=', f.q!.toLowerCase()),
      ]),
    );
  return (await q.execute()).map(rowToPerson);
}

/** Units the visibility allows, with their heads. */
export async function listVisibleUnits(
  db: Db,
  v: Visibility,
): Promise<{ path: string; head: string | null }[]> {
  let q = db.selectFrom('units').select(['path', 'head_person_id']).orderBy('path');
  if (!v.all) {
    q =
      v.units.length === 0
        ? q.where(sql<boolean>`1 = 0`)
        : q.where((eb) => eb.or(v.units.map((u) => unitAtOrBelow('units.path', u))));
  }
  return (await q.execute()).map((r) => ({ path: r.path, head: r.head_person_id }));
}
