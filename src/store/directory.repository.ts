import { wordPatterns } from '../domain/text.fold.js';
import { sql } from 'kysely';
import type { Visibility } from '../domain/access.policy.js';
import type { DEVICE_SORTS, PEOPLE_SORTS, SortKey } from '../domain/list.sorts.js';
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
  /** A device id, serial or IMEI, or part of its model or manufacturer, in any case. */
  q?: string;
  /** By id, from a cursor (`sort` id only); or `offset` rows into the sorted list. */
  after?: string;
  offset?: number;
  sort?: SortKey<(typeof DEVICE_SORTS)[number]>;
  limit: number;
}

/** The columns each sort orders by; the id last, so that pages never overlap. */
const DEVICE_ORDER: Record<(typeof DEVICE_SORTS)[number], string[]> = {
  id: ['d.id'],
  model: ['d.manufacturer', 'd.model', 'd.id'],
  owner: ['p.name_key', 'd.id'],
  unit: ['p.unit', 'd.id'],
  platform: ['d.platform', 'd.id'],
  changed: ['d.changed_at', 'd.id'],
};
const PEOPLE_ORDER: Record<(typeof PEOPLE_SORTS)[number], string[]> = {
  id: ['id'],
  name: ['name_key', 'id'],
  unit: ['unit', 'name_key', 'id'],
  changed: ['changed_at', 'id'],
};

/** `ORDER BY` for a sort key; nulls come last whichever the direction. */
export function orderBy(columns: string[], descending: boolean) {
  return sql.join(
    columns.map(
      (c) =>
        sql`${sql.ref(c)} is null, ${sql.ref(c)} ${descending ? sql.raw('desc') : sql.raw('asc')}`,
    ),
  );
}

/**
 * A device is in a unit when the unit holds it (DESIGN §5a): its active owner's unit, else its
 * custodian unit, else its last owner's. Two index-friendly halves rather than one expression.
 */
function deviceHeldIn(u: string) {
  return sql<boolean>`((${unitAtOrBelow('p.unit', u)} and (p.active = 1 or d.unit is null))
    or ((p.id is null or p.active = 0) and ${unitAtOrBelow('d.unit', u)}))`;
}

/** The devices a visibility sees: its own person's, and those its units hold. */
function deviceVisible(v: Visibility) {
  if (v.all) return sql<boolean>`1 = 1`;
  const parts = v.units.map((u) => deviceHeldIn(u));
  if (v.personId) parts.push(sql<boolean>`d.owner_id = ${v.personId}`);
  return parts.length === 0 ? sql<boolean>`1 = 0` : sql<boolean>`(${sql.join(parts, sql` or `)})`;
}

function deviceQuery(db: Db, v: Visibility, f: DeviceFilter) {
  let q = db
    .selectFrom('devices as d')
    .leftJoin('people as p', 'p.id', 'd.owner_id')
    .where(deviceVisible(v));
  if (f.platform) q = q.where('d.platform', '=', f.platform);
  if (f.class) q = q.where('d.class', '=', f.class);
  if (f.status) q = q.where('d.status', '=', f.status);
  if (f.owner) q = q.where('d.owner_id', '=', f.owner);
  if (f.unit) q = q.where(deviceHeldIn(f.unit));
  if (f.q) {
    const text = f.q.trim();
    // Every word, folded, somewhere in the device's folded id, maker, model, serial or IMEI.
    const words = wordPatterns(text).map((w) => sql<boolean>`d.search like ${w} escape '\\'`);
    q = q.where((eb) =>
      eb.or([
        eb('d.id', '=', text),
        eb('d.serial', '=', text),
        eb('d.imei', '=', text),
        ...(words.length > 0 ? [eb.and(words)] : []),
      ]),
    );
  }
  return q;
}

/** A page of the devices the visibility allows, with their owners' names, and how many in all. */
export async function listVisibleDevices(
  db: Db,
  v: Visibility,
  f: DeviceFilter,
): Promise<{ rows: (StoredDevice & { ownerName: string | null })[]; total: number }> {
  const base = deviceQuery(db, v, f);
  const sort = f.sort ?? 'id';
  const key = sort.replace(/^-/, '') as (typeof DEVICE_SORTS)[number];
  let q = base
    .selectAll('d')
    .select('p.name as owner_name')
    .orderBy(orderBy(DEVICE_ORDER[key], sort.startsWith('-')))
    .limit(f.limit);
  if (f.after !== undefined) q = q.where('d.id', '>', f.after);
  if (f.offset) q = q.offset(f.offset);
  const [rows, count] = await Promise.all([
    q.execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst(),
  ]);
  return {
    rows: rows.map((r) => ({ ...rowToDevice(r), ownerName: r.owner_name ?? null })),
    total: Number(count?.n ?? 0),
  };
}

export interface PeopleFilter {
  unit?: string;
  tag?: string;
  active?: boolean;
  q?: string;
  after?: string;
  offset?: number;
  sort?: SortKey<(typeof PEOPLE_SORTS)[number]>;
  limit: number;
}

/** A page of the people the visibility allows, and how many in all. */
export async function listVisiblePeople(
  db: Db,
  v: Visibility,
  f: PeopleFilter,
): Promise<{ rows: StoredPerson[]; total: number }> {
  let base = db.selectFrom('people').where(visibleCondition(v, 'people.unit', 'people.id'));
  if (f.unit) base = base.where(unitAtOrBelow('people.unit', f.unit));
  if (f.active !== undefined) base = base.where('active', '=', f.active ? 1 : 0);
  if (f.tag) base = base.where('tags', 'like', `%${JSON.stringify(f.tag.toLowerCase())}%`);
  if (f.q) {
    const text = f.q.trim();
    // Every word, folded, somewhere in the person's folded id, name or e-mail: "иванов" finds
    // "Иванов Иван Петрович", "ёлкин" finds "Елкин" (DESIGN: one folding rule, both databases).
    const words = wordPatterns(text).map((w) => sql<boolean>`search like ${w} escape '\\'`);
    base = base.where((eb) =>
      eb.or([
        eb('id', '=', text),
        eb('email', '=', text.toLowerCase()),
        ...(words.length > 0 ? [eb.and(words)] : []),
      ]),
    );
  }
  const sort = f.sort ?? 'id';
  const key = sort.replace(/^-/, '') as (typeof PEOPLE_SORTS)[number];
  let q = base
    .selectAll()
    .orderBy(orderBy(PEOPLE_ORDER[key], sort.startsWith('-')))
    .limit(f.limit);
  if (f.after !== undefined) q = q.where('id', '>', f.after);
  if (f.offset) q = q.offset(f.offset);
  const [rows, count] = await Promise.all([
    q.execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst(),
  ]);
  return { rows: rows.map(rowToPerson), total: Number(count?.n ?? 0) };
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
