import { sql, type Kysely, type Migration } from 'kysely';
import { sortKey } from '../../domain/text.order.js';

/**
 * The key people are ordered by name (`domain/text.order.ts` `sortKey`), stored beside the name
 * and compared bytewise on both databases (`collate "C"` on PostgreSQL), so that a list sorted by
 * name is in the same order on SQLite, on PostgreSQL of any locale and in the services; the rows
 * already there are keyed once, a thousand at a time.
 */
export function nameKeyMigration(dialect: 'sqlite' | 'postgres'): Migration {
  const text = dialect === 'postgres' ? sql`text collate "C"` : sql`text`;
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('people').addColumn('name_key', text).execute();
      let after = '';
      for (;;) {
        const { rows } = await sql<{ id: string; name: string }>`select id, name from people
          where id > ${after} order by id limit 1000`.execute(db);
        if (rows.length === 0) break;
        for (const r of rows)
          await sql`update people set name_key = ${sortKey(r.name)} where id = ${r.id}`.execute(db);
        after = rows.at(-1)!.id;
      }
      await db.schema
        .createIndex('people_name_key')
        .on('people')
        .columns(['name_key', 'id'])
        .execute();
    },
  };
}
