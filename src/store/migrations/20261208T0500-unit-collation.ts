import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Every unit column is compared by byte range (`unitAtOrBelow`: `u = X or u >= 'X/' and u <
 * 'X0'`), right only under the "C" collation: the columns made before this rule was kept take it
 * now, so that a subtree is the same on a PostgreSQL of any locale. SQLite compares bytes already.
 */
export function unitCollationMigration(dialect: 'sqlite' | 'postgres'): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      if (dialect !== 'postgres') return;
      for (const table of ['replacement_orders', 'unknowns', 'campaign_attestations'])
        await sql`alter table ${sql.table(table)} alter column unit type text collate "C"`.execute(
          db,
        );
    },
  };
}
