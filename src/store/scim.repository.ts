import type { Db, ScimGroupsTable, ScimIdentitiesTable } from './schema.js';

/** A person's directory identity (userName, externalId), deleted or not. */
export async function getIdentity(
  db: Db,
  personId: string,
): Promise<ScimIdentitiesTable | undefined> {
  return db
    .selectFrom('scim_identities')
    .selectAll()
    .where('person_id', '=', personId)
    .executeTakeFirst();
}

/** The live identity with a userName (stored lower-case) or an externalId. */
export async function findIdentity(
  db: Db,
  by: { userName?: string; externalId?: string },
): Promise<ScimIdentitiesTable | undefined> {
  let q = db.selectFrom('scim_identities').selectAll().where('deleted_at', 'is', null);
  if (by.userName !== undefined) q = q.where('user_name', '=', by.userName.toLowerCase());
  if (by.externalId !== undefined) q = q.where('external_id', '=', by.externalId);
  return q.executeTakeFirst();
}

/** Live identities, a page at a time, by person id; with their total. */
export async function listIdentities(
  db: Db,
  offset: number,
  limit: number,
): Promise<{ rows: ScimIdentitiesTable[]; total: number }> {
  const rows = await db
    .selectFrom('scim_identities')
    .selectAll()
    .where('deleted_at', 'is', null)
    .orderBy('person_id')
    .offset(offset)
    .limit(limit)
    .execute();
  const t = await db
    .selectFrom('scim_identities')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return { rows, total: Number(t?.n ?? 0) };
}

/** Creates or replaces a person's identity. */
export async function putIdentity(db: Db, row: ScimIdentitiesTable): Promise<void> {
  await db.deleteFrom('scim_identities').where('person_id', '=', row.person_id).execute();
  await db
    .insertInto('scim_identities')
    .values({ ...row, user_name: row.user_name.toLowerCase() })
    .execute();
}

export async function getGroup(db: Db, id: string): Promise<ScimGroupsTable | undefined> {
  return db.selectFrom('scim_groups').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Groups, optionally those with a display name (any case) or external id. */
export async function listGroups(
  db: Db,
  by: { displayName?: string; externalId?: string } = {},
): Promise<ScimGroupsTable[]> {
  let q = db.selectFrom('scim_groups').selectAll().orderBy('id');
  if (by.displayName !== undefined) q = q.where('tag', '=', by.displayName.trim().toLowerCase());
  if (by.externalId !== undefined) q = q.where('external_id', '=', by.externalId);
  return q.execute();
}

export async function putGroup(db: Db, row: ScimGroupsTable): Promise<void> {
  await db.deleteFrom('scim_groups').where('id', '=', row.id).execute();
  await db.insertInto('scim_groups').values(row).execute();
}

export async function deleteGroup(db: Db, id: string): Promise<void> {
  await db.deleteFrom('scim_groups').where('id', '=', id).execute();
}

/** Ids of the people carrying a tag (tags are kept as JSON lists). */
export async function getPeopleWithTag(db: Db, tag: string): Promise<string[]> {
  const rows = await db
    .selectFrom('people')
    .select(['id', 'tags'])
    .where('tags', 'like', `%${JSON.stringify(tag).replace(/%/g, '_')}%`)
    .execute();
  return rows
    .filter((r) => (JSON.parse(r.tags) as string[]).includes(tag))
    .map((r) => r.id)
    .sort();
}
