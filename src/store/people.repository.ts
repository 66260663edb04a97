import { personSearchText } from '../domain/text.fold.js';
import type { Person } from '../domain/person.model.js';
import { rawSqlite } from './database.js';
import type { Db, PeopleHistoryTable, PeopleTable } from './schema.js';
import { chunks, insertMany } from './transaction.js';
import { sortKey } from '../domain/text.order.js';

/** A stored person with the times the engine needs. */
export interface StoredPerson extends Person {
  createdAt: number;
  changedAt: number;
}

/** Maps a row to a person. */
export function rowToPerson(r: PeopleTable): StoredPerson {
  return {
    id: r.id,
    name: r.name,
    email: r.email,
    unit: r.unit,
    title: r.title,
    supervisor: r.supervisor_id,
    tags: JSON.parse(r.tags) as string[],
    active: r.active === 1,
    createdAt: r.created_at,
    changedAt: r.changed_at,
  };
}

/** Maps a person to a row. */
export function personToRow(
  p: Person,
  times: { created: number; changed: number; seen: number },
): PeopleTable {
  return {
    id: p.id,
    name: p.name,
    email: p.email,
    unit: p.unit,
    title: p.title,
    supervisor_id: p.supervisor,
    tags: JSON.stringify(p.tags),
    active: p.active ? 1 : 0,
    created_at: times.created,
    changed_at: times.changed,
    last_seen_at: times.seen,
  };
}

/** Stored people by id, for the ids given. */
export async function getPeopleByIds(db: Db, ids: string[]): Promise<Map<string, StoredPerson>> {
  const out = new Map<string, StoredPerson>();
  for (const part of chunks([...new Set(ids)])) {
    const rows = await db.selectFrom('people').selectAll().where('id', 'in', part).execute();
    for (const r of rows) out.set(r.id, rowToPerson(r));
  }
  return out;
}

/** Which of these emails (lower-case) are stored, and for whom. */
export async function getPersonIdsByEmail(db: Db, emails: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const part of chunks([...new Set(emails)])) {
    const rows = await db
      .selectFrom('people')
      .select(['id', 'email'])
      .where('email', 'in', part)
      .execute();
    for (const r of rows) if (r.email) out.set(r.email, r.id);
  }
  return out;
}

/** The first version of each new person's scope fields, from when they were created. */
function historyOf(rows: PeopleTable[]): PeopleHistoryTable[] {
  return rows.map((r) => ({
    id: r.id,
    unit: r.unit,
    tags: r.tags,
    active: r.active,
    valid_from: r.changed_at,
    valid_to: null,
  }));
}

/** Inserts new people, and the first version of each in `people_history`. */
export async function insertPeople(db: Db, rows: PeopleTable[]): Promise<void> {
  await insertMany(
    db,
    'people',
    rows.map((r) => ({ ...r, search: personSearchText(r), name_key: sortKey(r.name) })),
  );
  await insertMany(db, 'people_history', historyOf(rows));
}

/**
 * Overwrites a person's stored fields; when their unit, tags or activity change, the version in
 * force ends at the change and a new one begins (`people_history`: people as of T).
 */
export async function updatePerson(db: Db, row: PeopleTable, before: Person): Promise<void> {
  const { id, created_at: _created, ...rest } = row;
  await db
    .updateTable('people')
    .set({ ...rest, search: personSearchText(row), name_key: sortKey(row.name) })
    .where('id', '=', id)
    .execute();
  if (
    before.unit === row.unit &&
    before.active === (row.active === 1) &&
    JSON.stringify(before.tags) === row.tags
  )
    return;
  await db
    .updateTable('people_history')
    .set({ valid_to: row.changed_at })
    .where('id', '=', id)
    .where('valid_to', 'is', null)
    .execute();
  await insertMany(db, 'people_history', historyOf([row]));
}

/** Refreshes last-seen without counting as a change. */
export async function touchPeople(db: Db, ids: string[], at: number): Promise<void> {
  for (const part of chunks(ids)) {
    await db.updateTable('people').set({ last_seen_at: at }).where('id', 'in', part).execute();
  }
}

/** Counts people. */
export async function countPeople(db: Db): Promise<number> {
  const r = await db
    .selectFrom('people')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

/** Which of these ids are stored; `all` reads every stored id at once, for large files. */
export async function getExistingPersonIds(db: Db, ids: string[] | 'all'): Promise<Set<string>> {
  if (ids === 'all') {
    const raw = rawSqlite.get(db);
    return new Set(
      raw
        ? (raw.prepare('select id from people').pluck().all() as string[])
        : (await db.selectFrom('people').select('id').execute()).map((r) => r.id),
    );
  }
  const unique = [...new Set(ids)];
  const out = new Set<string>();
  for (const part of chunks(unique)) {
    for (const r of await db.selectFrom('people').select('id').where('id', 'in', part).execute())
      out.add(r.id);
  }
  return out;
}
