import { sql } from 'kysely';
import { phaseoutTables } from './backup.repository.js';
import type { Dialect } from './database.js';
import type { Db } from './schema.js';

/**
 * Empties every table of phaseout's (the demo reloading its own data); the schema stays. The
 * tables are read from the database, so that a table a migration adds is never left behind.
 */
export async function clearAllTables(db: Db, dialect: Dialect): Promise<void> {
  for (const t of await phaseoutTables(db, dialect))
    await sql`delete from ${sql.table(t)}`.execute(db);
}

/** Whether anyone is in the directory. */
export async function hasAnyPerson(db: Db): Promise<boolean> {
  return (await db.selectFrom('people').select('id').limit(1).execute()).length > 0;
}

export async function countPeopleAndDevices(db: Db): Promise<{ people: number; devices: number }> {
  const p = await db
    .selectFrom('people')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirst();
  const d = await db
    .selectFrom('devices')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirst();
  return { people: Number(p?.n ?? 0), devices: Number(d?.n ?? 0) };
}
