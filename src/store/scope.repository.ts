import { sql, type SelectQueryBuilder } from 'kysely';
import type { Scope } from '../domain/scope.js';
import { unitAtOrBelow } from './candidates.repository.js';
import { jsonItemPattern } from './target.sql.js';
import type { Database, Db } from './schema.js';

type PeopleQuery<O> = SelectQueryBuilder<Database, 'people', O>;

/** Restricts a people query to those in scope on current records (DESIGN §5). */
export function whereInScope<O>(q: PeopleQuery<O>, scope: Scope): PeopleQuery<O> {
  let out = q.where('people.active', '=', 1);
  if (scope.units.length > 0)
    out = out.where((eb) => eb.or(scope.units.map((u) => unitAtOrBelow('people.unit', u))));
  if (scope.tags.size > 0) {
    out = out.where((eb) =>
      eb.or(
        [...scope.tags].map(
          (t) => sql<boolean>`people.tags like ${jsonItemPattern(t)} escape '\\'`,
        ),
      ),
    );
  }
  if (scope.excludePeople.size > 0)
    out = out.where('people.id', 'not in', [...scope.excludePeople]);
  for (const t of scope.excludeTags)
    out = out.where(sql<boolean>`people.tags not like ${jsonItemPattern(t)} escape '\\'`);
  return out;
}

/** How many people are in scope now (within a unit subtree, if given). */
export async function countPeopleInScope(db: Db, scope: Scope, unit?: string): Promise<number> {
  let q = whereInScope(
    db.selectFrom('people').select((eb) => eb.fn.countAll<number>().as('n')),
    scope,
  );
  if (unit !== undefined) q = q.where(unitAtOrBelow('people.unit', unit));
  const r = await q.executeTakeFirst();
  return Number(r?.n ?? 0);
}

/**
 * The people as their records stood at T (`people_history`), queried like `people`: the
 * fields that decide scope (id, unit, tags, active) of the version in force at T. A person
 * created after T has none.
 */
function peopleAt(db: Db, at: number) {
  return db
    .selectFrom('people_history as people')
    .where('people.valid_from', '<=', at)
    .where((eb) =>
      eb.or([eb('people.valid_to', 'is', null), eb('people.valid_to', '>', at)]),
    ) as unknown as ReturnType<Db['selectFrom']> & PeopleQuery<object>;
}

/** How many people were in scope at T (within a unit subtree, if given), as records stood then. */
export async function countPeopleInScopeAt(
  db: Db,
  scope: Scope,
  at: number,
  unit?: string,
): Promise<number> {
  let q = whereInScope(
    peopleAt(db, at).select((eb) => eb.fn.countAll<number>().as('n')),
    scope,
  );
  if (unit !== undefined) q = q.where(unitAtOrBelow('people.unit', unit));
  const r = await q.executeTakeFirst();
  return Number(r?.n ?? 0);
}

/** In-scope people at T, as records stood then, counted per unit path. */
export async function countPeopleInScopeByUnitAt(
  db: Db,
  scope: Scope,
  at: number,
): Promise<Map<string, number>> {
  const rows = await whereInScope(
    peopleAt(db, at)
      .select((eb) => ['people.unit', eb.fn.countAll<number>().as('n')])
      .groupBy('people.unit'),
    scope,
  ).execute();
  return new Map(rows.map((r) => [r.unit, Number(r.n)]));
}

/** In-scope people counted per unit path. */
export async function countPeopleInScopeByUnit(db: Db, scope: Scope): Promise<Map<string, number>> {
  const rows = await whereInScope(
    db
      .selectFrom('people')
      .select((eb) => ['people.unit', eb.fn.countAll<number>().as('n')])
      .groupBy('people.unit'),
    scope,
  ).execute();
  return new Map(rows.map((r) => [r.unit, Number(r.n)]));
}

/** Ids of the people in scope now. */
export async function listPeopleInScope(db: Db, scope: Scope, unit?: string): Promise<string[]> {
  let q = whereInScope(db.selectFrom('people').select('people.id'), scope);
  if (unit !== undefined) q = q.where(unitAtOrBelow('people.unit', unit));
  return (await q.execute()).map((r) => r.id);
}

/** Whether a person is in scope now. */
export async function isPersonInScope(db: Db, scope: Scope, id: string): Promise<boolean> {
  const r = await whereInScope(
    db.selectFrom('people').select('people.id').where('people.id', '=', id),
    scope,
  ).executeTakeFirst();
  return r !== undefined;
}

/**
 * Units that an in-scope person belongs to, with their head if the head is active:
 * one index probe per unit rather than a pass over everyone.
 */
export async function listUnitsInScope(
  db: Db,
  scope: Scope,
): Promise<{ unit: string; head: string | null }[]> {
  const rows = await db
    .selectFrom('units')
    .leftJoin('people as hp', 'hp.id', 'units.head_person_id')
    .select(['units.path', 'units.head_person_id', 'hp.active'])
    .where((eb) =>
      eb.exists(
        whereInScope(
          eb
            .selectFrom('people')
            .select('people.id')
            .whereRef('people.unit', '=', 'units.path') as unknown as PeopleQuery<{ id: string }>,
          scope,
        ),
      ),
    )
    .orderBy('units.path')
    .execute();
  return rows.map((r) => ({
    unit: r.path,
    head: r.head_person_id && r.active === 1 ? r.head_person_id : null,
  }));
}

/** People at or below a unit, active or not. */
export async function countPeopleAtOrBelow(db: Db, unit: string): Promise<number> {
  const r = await db
    .selectFrom('people')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where(unitAtOrBelow('people.unit', unit))
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

/** People carrying a tag. */
export async function countPeopleWithTag(db: Db, tag: string): Promise<number> {
  const r = await db
    .selectFrom('people')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where(sql<boolean>`tags like ${jsonItemPattern(tag)} escape '\\'`)
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}
