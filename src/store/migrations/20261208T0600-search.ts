import { sql, type Kysely, type Migration } from 'kysely';
import { deviceSearchText, personSearchText } from '../../domain/text.fold.js';

/**
 * The folded text people and devices are found by (`domain/text.fold.ts`), stored beside them
 * and written with them, so that "иванов" finds "Иванов Иван Петрович" on both databases whatever
 * their locale; the rows already there are folded once, a thousand at a time.
 */
export function searchMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('people').addColumn('search', 'text').execute();
      await db.schema.alterTable('devices').addColumn('search', 'text').execute();
      const table = <R extends { id: string }>(
        name: 'people' | 'devices',
        text: (r: R) => string,
      ) => backfill(db, name, text);
      await table<{ id: string; name: string; email: string | null }>('people', personSearchText);
      await table<{
        id: string;
        manufacturer: string | null;
        model: string | null;
        serial: string | null;
        imei: string | null;
      }>('devices', deviceSearchText);
    },
  };
}

async function backfill<R extends { id: string }>(
  db: Kysely<unknown>,
  table: 'people' | 'devices',
  text: (r: R) => string,
): Promise<void> {
  const columns =
    table === 'people' ? sql`id, name, email` : sql`id, manufacturer, model, serial, imei`;
  let after = '';
  for (;;) {
    const { rows } = await sql<R>`select ${columns} from ${sql.table(table)} where id > ${after}
      order by id limit 1000`.execute(db);
    if (rows.length === 0) return;
    for (const r of rows)
      await sql`update ${sql.table(table)} set search = ${text(r)} where id = ${r.id}`.execute(db);
    after = rows.at(-1)!.id;
  }
}
